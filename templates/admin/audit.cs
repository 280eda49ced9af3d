<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<div class="ad-head"><h1>审计日志</h1><p class="ad-muted"><?cs if:User.IsOperator ?>全部学校<?cs else ?><?cs var:User.School ?><?cs /if ?> · 最近 300 条 · 身份证号已打码</p></div>
<?cs if:!subcount(Audit) ?><p class="ad-empty">没有记录。</p><?cs else ?>
<table class="ad-table ad-table--audit">
<thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>项目</th><th>修改前</th><th>修改后</th><th>原因</th><th>学校</th></tr></thead>
<tbody>
<?cs each:a = Audit ?>
<tr><td class="ad-nowrap"><?cs var:a.at ?></td><td><?cs var:a.actor ?></td><td><?cs call:action_label(a.action) ?></td>
<td><?cs if:a.entity == "student" ?><a href="/admin/students/<?cs var:a.entity_id ?>">学生 #<?cs var:a.entity_id ?></a><?cs elif:a.entity == "task" ?><a href="/admin/tasks/<?cs var:a.entity_id ?>">任务 #<?cs var:a.entity_id ?></a><?cs else ?><?cs var:a.entity ?> #<?cs var:a.entity_id ?><?cs /if ?></td>
<td><?cs call:field_label(a.field) ?></td><td class="ad-before"><?cs var:a.before_val ?></td><td class="ad-after"><?cs var:a.after_val ?></td><td><?cs var:a.reason ?></td><td><?cs var:a.school ?></td></tr>
<?cs /each ?>
</tbody></table>
<?cs /if ?>
<?cs include:"admin/footer.cs" ?>
