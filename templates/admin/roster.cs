<?cs include:"admin/header.cs" ?>
<?cs with:t = Tasks.0 ?>
<div class="ad-head"><h1>上传名单 · <?cs var:t.title ?></h1><a class="ad-btn ad-btn--ghost" href="/admin/tasks/<?cs var:t.id ?>">返回任务</a></div>
<?cs if:Preview.upload ?>
<section class="ad-card">
  <h2>预览（尚未导入）</h2>
  <p>文件编码 <?cs var:Preview.encoding ?>：可导入 <b><?cs var:Preview.rows ?></b> 行，拒绝 <b class="<?cs if:#Preview.rejects > #0 ?>ad-bad<?cs /if ?>"><?cs var:Preview.rejects ?></b> 行。已在本任务中的采集码将更新该学生的信息（记入审计日志）。</p>
  <?cs if:subcount(Preview.Rejects) ?>
  <h3>被拒绝的行</h3>
  <table class="ad-table"><thead><tr><th class="n">行号</th><th>原因</th></tr></thead><tbody>
  <?cs each:j = Preview.Rejects ?><tr><td class="n"><?cs var:j.line ?></td><td><?cs var:j.reason ?></td></tr><?cs /each ?>
  </tbody></table>
  <?cs /if ?>
  <?cs if:subcount(Preview.Rows) ?>
  <h3>前 <?cs var:subcount(Preview.Rows) ?> 行</h3>
  <table class="ad-table"><thead><tr><th class="n">行号</th><th>采集码</th><th>姓名</th><th>身份证号</th><th>学号</th><th>学历层次</th><th>班级</th></tr></thead><tbody>
  <?cs each:w = Preview.Rows ?><tr><td class="n"><?cs var:w.line ?></td><td><?cs var:w.collect_code ?></td><td><?cs var:w.name ?></td><td><?cs var:w.id ?></td><td><?cs var:w.student_no ?></td><td><?cs var:w.edu ?></td><td><?cs var:w.class_name ?></td></tr><?cs /each ?>
  </tbody></table>
  <?cs /if ?>
  <form method="post" action="/admin/tasks/<?cs var:t.id ?>/roster/commit" class="ad-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="upload" value="<?cs var:Preview.upload ?>">
    <p><button type="submit" class="ad-btn ad-btn--primary"<?cs if:Preview.rows == "0" ?> disabled<?cs /if ?>>确认导入 <?cs var:Preview.rows ?> 行</button>
    <a class="ad-btn ad-btn--ghost" href="/admin/tasks/<?cs var:t.id ?>/roster">重新选择文件</a></p>
  </form>
</section>
<?cs else ?>
<section class="ad-card">
  <form method="post" action="/admin/tasks/<?cs var:t.id ?>/roster" enctype="multipart/form-data" class="ad-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <p>CSV 文件，第一行为列名：<code>采集码,姓名,身份证号,学号,学历类别,学历层次,班级</code>（顺序不限）。UTF-8 或 Excel 另存的 GBK 均可。上传后先预览，确认后才导入。</p>
    <label>名单文件 <input type="file" name="roster" accept=".csv,text/csv" required></label>
    <p><button type="submit" class="ad-btn ad-btn--primary">上传并预览</button></p>
  </form>
</section>
<?cs /if ?>
<?cs /with ?>
<?cs include:"admin/footer.cs" ?>
