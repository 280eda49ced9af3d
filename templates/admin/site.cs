<?cs include:"admin/header.cs" ?>
<link rel="stylesheet" href="/static/css/site.css">
<div class="st-page">
<h1 class="st-h1">现场采集 <small><?cs var:Site.Today ?></small></h1>
<div class="st-grid">
<?cs include:"admin/site_scan.cs" ?>

<section class="st-walkin" aria-labelledby="st-walkin-h">
  <h2 id="st-walkin-h">现场预约</h2>
  <p class="st-hint">未预约、身份证遗失或支付失败的学生：输入或上传学信网采集码，现场收费并签到。</p>
  <form method="post" action="/admin/site/walkin" enctype="multipart/form-data">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label class="st-label" for="st-cc">采集码</label>
    <input id="st-cc" name="collect_code" class="st-input" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="64" placeholder="如 HX04873chdu394hf">
    <label class="st-btn st-file">或上传采集码图片<input type="file" name="code_image" accept="image/*"></label>
    <label class="st-label" for="st-method">现场收费</label>
    <?cs include:"admin/site_method.cs" ?>
  </form>
</section>
</div>

<section class="st-recent" aria-labelledby="st-recent-h">
  <h2 id="st-recent-h">今日签到</h2>
  <?cs if:subcount(Recent) == 0 ?>
  <p class="st-hint">今天还没有学生签到。</p>
  <?cs else ?>
  <table class="st-table">
    <thead><tr><th>拍摄号</th><th>姓名</th><th>班级</th><th>签到时间</th><th>状态</th><th>任务</th></tr></thead>
    <tbody>
    <?cs each:b = Recent ?>
    <tr>
      <td class="st-num"><a href="/admin/site/students/<?cs var:b.student_id ?>"><?cs var:b.shot_no ?></a></td>
      <td><a href="/admin/site/students/<?cs var:b.student_id ?>"><?cs var:b.name ?></a><?cs if:b.walkin == 1 ?> <span class="st-tag">现场预约</span><?cs /if ?></td>
      <td><?cs var:b.class_name ?></td>
      <td><?cs var:b.at ?></td>
      <td><?cs if:b.state == "collected" ?><span class="st-tag st-tag--ok">已采集</span><?cs else ?><span class="st-tag st-tag--wait">待拍照</span><?cs /if ?></td>
      <td><?cs var:b.task ?></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs /if ?>
</section>
</div>
<script src="/static/vendor/html5-qrcode.min.js" defer></script>
<script src="/static/js/site.js" defer></script>
<?cs include:"admin/footer.cs" ?>
