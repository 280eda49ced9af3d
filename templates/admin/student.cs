<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<?cs def:val(q, d) ?><?cs if:Page.Error ?><?cs var:q ?><?cs else ?><?cs var:d ?><?cs /if ?><?cs /def ?>
<?cs with:s = Rec.0 ?>
<?cs if:Page.Done == "1" ?><div class="ad-alert ad-alert--ok" role="status">信息已更正，修改记录见下方。</div><?cs elif:Page.Done == "2" ?><div class="ad-alert ad-alert--ok" role="status">没有需要修改的内容。</div><?cs /if ?>
<div class="ad-head">
  <div><h1><?cs var:s.name ?></h1>
  <p class="ad-muted"><?cs var:s.school ?> · 任务 <a href="/admin/tasks/<?cs var:s.task_id ?>"><?cs var:s.task_code ?></a> <?cs var:s.task_title ?></p></div>
</div>
<div class="ad-grid ad-grid--2">
<section class="ad-card">
  <h2>学籍信息</h2>
  <dl class="ad-dl">
    <dt>采集码</dt><dd class="ad-mono"><?cs var:s.collect_code ?></dd>
    <dt>姓名</dt><dd><?cs var:s.name ?></dd>
    <dt>身份证号</dt><dd class="ad-mono"><?cs var:s.id_number ?></dd>
    <dt>学号</dt><dd><?cs var:s.student_no ?></dd>
    <dt>学历类别</dt><dd><?cs var:s.edu_category ?></dd>
    <dt>学历层次</dt><dd><?cs var:s.edu_level ?></dd>
    <dt>班级</dt><dd><?cs var:s.class_name ?></dd>
    <dt>最后更新</dt><dd><?cs var:s.updated ?></dd>
  </dl>
</section>
<section class="ad-card">
  <h2>信息更正</h2>
  <p class="ad-muted ad-small">学生确认信息时发现错误，由学校负责老师核实后在此更正。每项修改都记录修改人、时间、修改前后和原因。</p>
  <form method="post" action="/admin/students/<?cs var:s.id ?>" class="ad-form ad-form--grid">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label>姓名 <input name="name" maxlength="32" required value="<?cs call:val(Query.name, s.name) ?>"></label>
    <label>身份证号 <input name="id_number" maxlength="18" class="ad-mono"<?cs if:User.FullId ?> required value="<?cs call:val(Query.id_number, s.id_number) ?>"<?cs else ?> placeholder="不修改请留空" value="<?cs if:Page.Error ?><?cs var:Query.id_number ?><?cs /if ?>"<?cs /if ?>></label>
    <label>学号 <input name="student_no" maxlength="32" required value="<?cs call:val(Query.student_no, s.student_no) ?>"></label>
    <label>班级 <input name="class_name" maxlength="32" required value="<?cs call:val(Query.class_name, s.class_name) ?>"></label>
    <label>学历类别 <input name="edu_category" maxlength="32" required value="<?cs call:val(Query.edu_category, s.edu_category) ?>"></label>
    <label>学历层次 <input name="edu_level" maxlength="32" required value="<?cs call:val(Query.edu_level, s.edu_level) ?>"></label>
    <label class="ad-wide">修改原因（必填） <input name="reason" maxlength="200" required value="<?cs if:Page.Error ?><?cs var:Query.reason ?><?cs /if ?>" placeholder="如：学生提供身份证原件核对，姓名录入有误"></label>
    <p class="ad-wide"><button type="submit" class="ad-btn ad-btn--primary">保存更正</button></p>
  </form>
</section>
</div>

<section class="ad-card">
  <h2>预约记录</h2>
  <?cs if:!subcount(Bookings) ?><p class="ad-empty">没有预约记录（未预约）。</p><?cs else ?>
  <table class="ad-table">
  <thead><tr><th>编号</th><th>状态</th><th>预约时段</th><th>下单时间</th><th>签到</th><th>拍摄号</th><th>采集完成</th><th>取消</th></tr></thead>
  <tbody>
  <?cs each:b = Bookings ?>
  <tr><td><?cs var:b.id ?></td><td><?cs call:state_label(b.state) ?><?cs if:b.walkin == "1" ?> <span class="ad-tag">现场预约</span><?cs /if ?></td><td><?cs var:b.slot ?></td><td><?cs var:b.created ?></td><td><?cs var:b.checked_in ?></td><td><?cs var:b.shot_no ?></td><td><?cs var:b.collected ?></td><td><?cs var:b.cancelled ?> <?cs var:b.cancel_reason ?></td></tr>
  <?cs /each ?>
  </tbody></table>
  <?cs /if ?>
</section>

<section class="ad-card">
  <h2>支付记录</h2>
  <?cs if:!subcount(Payments) ?><p class="ad-empty">没有支付记录。</p><?cs else ?>
  <table class="ad-table">
  <thead><tr><th>预约</th><th class="n">金额（元）</th><th>状态</th><th>方式</th><th>说明</th><th>创建</th><th>更新</th></tr></thead>
  <tbody>
  <?cs each:p = Payments ?>
  <tr><td><?cs var:p.booking_id ?></td><td class="n"><?cs var:p.amount ?></td><td><?cs call:pay_label(p.state) ?></td><td><?cs var:p.method ?></td><td><?cs var:p.failure ?></td><td><?cs var:p.created ?></td><td><?cs var:p.updated ?></td></tr>
  <?cs /each ?>
  </tbody></table>
  <?cs /if ?>
</section>

<section class="ad-card" id="history">
  <h2>修改记录</h2>
  <?cs if:!subcount(History) ?><p class="ad-empty">没有修改记录。</p><?cs else ?>
  <table class="ad-table ad-table--audit">
  <thead><tr><th>时间</th><th>修改人</th><th>操作</th><th>项目</th><th>修改前</th><th>修改后</th><th>原因</th></tr></thead>
  <tbody>
  <?cs each:h = History ?>
  <tr><td class="ad-nowrap"><?cs var:h.at ?></td><td><?cs var:h.actor ?></td><td><?cs call:action_label(h.action) ?></td><td><?cs call:field_label(h.field) ?></td><td class="ad-before"><?cs var:h.before_val ?></td><td class="ad-after"><?cs var:h.after_val ?></td><td><?cs var:h.reason ?></td></tr>
  <?cs /each ?>
  </tbody></table>
  <?cs /if ?>
</section>
<?cs /with ?>
<?cs include:"admin/footer.cs" ?>
