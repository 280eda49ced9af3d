<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<div class="ad-head"><h1>学生查询</h1></div>
<form method="get" action="/admin/students" class="ad-form ad-form--row ad-card">
  <label>任务 <select name="task">
    <option value="">全部任务</option>
    <?cs each:t = Tasks ?><option value="<?cs var:t.id ?>"<?cs if:Search.task == t.id ?> selected<?cs /if ?>><?cs var:t.code ?> <?cs var:t.title ?></option><?cs /each ?>
  </select></label>
  <label>姓名 / 学号 / 采集码 <input name="q" maxlength="64" value="<?cs var:Query.q ?>"></label>
  <label>班级 <input name="class" maxlength="64" value="<?cs var:Query.class ?>"></label>
  <label>状态 <select name="state">
    <option value="">全部</option>
    <option value="unbooked"<?cs if:Query.state == "unbooked" ?> selected<?cs /if ?>>未预约</option>
    <option value="held"<?cs if:Query.state == "held" ?> selected<?cs /if ?>>待支付</option>
    <option value="booked"<?cs if:Query.state == "booked" ?> selected<?cs /if ?>>已预约</option>
    <option value="checked_in"<?cs if:Query.state == "checked_in" ?> selected<?cs /if ?>>已签到</option>
    <option value="collected"<?cs if:Query.state == "collected" ?> selected<?cs /if ?>>已采集</option>
    <option value="cancelled"<?cs if:Query.state == "cancelled" ?> selected<?cs /if ?>>已取消</option>
  </select></label>
  <button type="submit" class="ad-btn ad-btn--primary">查询</button>
</form>
<p class="ad-muted">找到 <?cs var:Search.count ?> 人<?cs if:#Search.count >= #200 ?>（只显示前 200 人，请缩小范围）<?cs /if ?>
<?cs if:Search.task != "0" && User.CanExport && !Query.q ?>
<?cs set:eq = "state=" + url_escape(Query.state) + "&class=" + url_escape(Query.class) ?>
· 导出此名单：<a href="/admin/tasks/<?cs var:Search.task ?>/export.xlsx?<?cs var:eq ?>">Excel</a> · <a href="/admin/tasks/<?cs var:Search.task ?>/export.csv?<?cs var:eq ?>">CSV</a>
<?cs /if ?></p>
<table class="ad-table">
<thead><tr><th>姓名</th><th>学号</th><th>采集码</th><th>班级</th><th>任务</th><th>状态</th></tr></thead>
<tbody>
<?cs each:s = Found ?>
<tr><td><a href="/admin/students/<?cs var:s.id ?>"><?cs var:s.name ?></a></td><td><?cs var:s.student_no ?></td><td class="ad-mono"><?cs var:s.collect_code ?></td><td><?cs var:s.class_name ?></td><td><?cs var:s.task_code ?></td><td><?cs call:state_label(s.state) ?></td></tr>
<?cs /each ?>
</tbody>
</table>
<?cs include:"admin/footer.cs" ?>
