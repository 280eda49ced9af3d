<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<div class="ad-head"><h1>审计日志</h1><p class="ad-muted"><?cs if:User.IsOperator ?>全部学校<?cs else ?><?cs var:User.School ?><?cs /if ?> · 最近 300 条 · 身份证号已打码</p></div>
<form method="get" action="/admin/audit" class="ad-form ad-form--row ad-card" id="audit-filter">
  <label>任务 <select name="task">
    <option value="">全部任务</option>
    <?cs each:t = Tasks ?><option value="<?cs var:t.id ?>"<?cs if:Filter.task == t.id ?> selected<?cs /if ?>><?cs var:t.code ?> <?cs var:t.title ?></option><?cs /each ?>
  </select></label>
  <label>操作人 <input name="user" maxlength="64" value="<?cs var:Query.user ?>" placeholder="用户名"></label>
  <label>开始日期 <input name="from" type="date" value="<?cs var:Query.from ?>"></label>
  <label>结束日期 <input name="to" type="date" value="<?cs var:Query.to ?>"></label>
  <?cs if:Query.student ?><input type="hidden" name="student" value="<?cs var:Query.student ?>"><?cs /if ?>
  <?cs if:Query.school ?><input type="hidden" name="school" value="<?cs var:Query.school ?>"><?cs /if ?>
  <button type="submit" class="ad-btn ad-btn--primary">筛选</button>
  <a class="ad-btn" href="/admin/audit">清除</a>
</form>
<?cs if:!subcount(Audit) ?><p class="ad-empty">没有记录。</p><?cs else ?>
<table class="ad-table ad-table--audit">
<thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>任务</th><th>项目</th><th>修改前</th><th>修改后</th><th>原因/说明</th><th>学校</th></tr></thead>
<tbody>
<?cs each:a = Audit ?>
<tr class="ad-audit" data-action="<?cs var:a.action ?>"><td class="ad-nowrap"><?cs var:a.at ?></td><td><?cs var:a.actor ?></td><td class="ad-audit-action"><?cs call:action_label(a.action) ?></td>
<td class="ad-audit-entity"><?cs if:a.entity == "student" ?><a href="/admin/students/<?cs var:a.entity_id ?>">学生 #<?cs var:a.entity_id ?></a><?cs elif:a.entity == "task" ?><a href="/admin/tasks/<?cs var:a.entity_id ?>">任务 #<?cs var:a.entity_id ?></a><?cs elif:a.entity == "user" && User.IsOperator && a.entity_id != "0" ?><a href="/admin/users/<?cs var:a.entity_id ?>">用户 #<?cs var:a.entity_id ?></a><?cs elif:a.entity_id == "0" ?><?cs call:entity_label(a.entity) ?><?cs else ?><?cs call:entity_label(a.entity) ?> #<?cs var:a.entity_id ?><?cs /if ?></td>
<td><?cs if:a.task_id != "0" ?><a href="/admin/audit?task=<?cs var:a.task_id ?>"><?cs var:a.task_code ?></a><?cs /if ?></td>
<td class="ad-audit-field"><?cs call:field_label(a.field) ?></td><td class="ad-before"><?cs call:value_label(a.field, a.before_val) ?></td><td class="ad-after"><?cs call:value_label(a.field, a.after_val) ?></td><td><?cs var:a.reason ?></td><td><?cs var:a.school ?></td></tr>
<?cs /each ?>
</tbody></table>
<?cs /if ?>
<?cs include:"admin/footer.cs" ?>
