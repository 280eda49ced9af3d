<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<?cs if:Page.Done == "answered" ?><div class="ad-alert ad-alert--ok" role="status">已回复，学生会在首页看到。</div>
<?cs elif:Page.Done == "already" ?><div class="ad-alert ad-alert--warn" role="status">该反馈已由其他老师回复。</div><?cs /if ?>
<div class="ad-head"><div><h1>学生反馈</h1>
<p class="ad-muted">学生在确认信息页提交的“信息有误”，以及采集码不在名单中的学生。回复会显示在学生手机的首页；需要更正学籍信息时，点学生姓名去更正（更正会记入审计日志）。</p></div></div>
<?cs if:!subcount(Reports) ?><p class="ad-empty">暂无学生反馈。</p><?cs /if ?>
<?cs each:x = Reports ?>
<section class="ad-card<?cs if:x.state == "open" ?> ad-card--warn<?cs /if ?>">
  <h2><?cs if:x.kind == "data_error" ?>学籍信息有误<?cs else ?>采集码不在名单中<?cs /if ?>
    <span class="ad-tag<?cs if:x.state == "open" ?> ad-tag--warn<?cs else ?> ad-tag--ok<?cs /if ?>"><?cs if:x.state == "open" ?>待处理<?cs else ?>已回复<?cs /if ?></span></h2>
  <p class="ad-muted"><?cs var:x.at ?> · 任务 <a href="/admin/tasks/<?cs var:x.task_id ?>"><?cs var:x.task_code ?></a> ·
  <?cs if:x.student_id != "0" ?>学生 <a href="/admin/students/<?cs var:x.student_id ?>"><?cs var:x.name ?></a>（<?cs var:x.class_name ?>，身份证 <?cs var:x.id_shown ?>）<?cs else ?>自称 <b><?cs var:x.typed_name ?></b><?cs if:x.code ?>，采集码 <code><?cs var:x.code ?></code><?cs /if ?><?cs /if ?></p>
  <?cs if:x.message ?><p>学生说明：<?cs var:x.message ?></p><?cs /if ?>
  <?cs if:x.state == "open" ?>
  <form method="post" action="/admin/reports/<?cs var:x.id ?>" class="ad-form ad-form--row">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label>回复学生 <input name="answer" maxlength="200" required size="60" placeholder="例如：已更正，请刷新后重新确认"></label>
    <button type="submit" class="ad-btn ad-btn--primary">回复</button>
  </form>
  <?cs else ?><p>回复（<?cs var:x.answered_by ?>）：<?cs var:x.answer ?></p><?cs /if ?>
</section>
<?cs /each ?>
<?cs include:"admin/footer.cs" ?>
