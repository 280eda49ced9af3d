<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<div class="ad-head"><h1>用户管理</h1></div>
<table class="ad-table">
<thead><tr><th>用户名</th><th>角色</th><th>学校</th><th>状态</th><th>创建时间</th><th></th></tr></thead>
<tbody>
<?cs each:u = Users ?>
<tr><td><?cs var:u.username ?></td><td><?cs call:role_label(u.role) ?></td><td><?cs var:u.school ?></td>
<td><?cs if:u.disabled == "1" ?><span class="ad-tag ad-tag--bad">已停用</span><?cs elif:u.locked == "1" ?><span class="ad-tag ad-tag--warn">已锁定</span><?cs else ?><span class="ad-tag ad-tag--ok">正常</span><?cs /if ?></td>
<td><?cs var:u.created ?></td><td><a href="/admin/users/<?cs var:u.id ?>">修改</a></td></tr>
<?cs /each ?>
</tbody></table>
<section class="ad-card">
  <h2>新建用户</h2>
  <form method="post" action="/admin/users" class="ad-form ad-form--row">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label>用户名 <input name="username" required maxlength="64" pattern="[A-Za-z0-9_.\-]+" value="<?cs var:Query.username ?>"></label>
    <label>初始密码 <input name="password" type="password" required minlength="8" maxlength="256" autocomplete="new-password"></label>
    <label>角色 <select name="role" required>
      <option value="teacher"<?cs if:Query.role == "teacher" ?> selected<?cs /if ?>>学校负责老师</option>
      <option value="staff"<?cs if:Query.role == "staff" ?> selected<?cs /if ?>>现场工作人员</option>
      <option value="operator"<?cs if:Query.role == "operator" ?> selected<?cs /if ?>>采集单位管理员</option>
    </select></label>
    <label>学校 <select name="school">
      <option value="">（无）</option>
      <?cs each:s = Schools ?><option value="<?cs var:s.id ?>"<?cs if:Query.school == s.id ?> selected<?cs /if ?>><?cs var:s.name ?>（<?cs var:s.code ?>）</option><?cs /each ?>
    </select></label>
    <button type="submit" class="ad-btn ad-btn--primary">创建</button>
  </form>
  <p class="ad-muted ad-small">学校负责老师只能看到所选学校的任务和学生。</p>
</section>
<?cs include:"admin/footer.cs" ?>
