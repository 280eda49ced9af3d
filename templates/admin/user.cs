<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<?cs with:u = Users.0 ?>
<?cs if:Page.Done == "1" ?><div class="ad-alert ad-alert--ok" role="status">已保存。</div><?cs /if ?>
<div class="ad-head"><h1>用户 <?cs var:u.username ?></h1><a class="ad-btn ad-btn--ghost" href="/admin/users">返回用户列表</a></div>
<section class="ad-card">
  <p class="ad-muted">连续密码错误 <?cs var:u.failed_logins ?> 次<?cs if:u.locked == "1" ?> · 当前已锁定（重置密码可解锁）<?cs /if ?></p>
  <form method="post" action="/admin/users/<?cs var:u.id ?>" class="ad-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <?cs set:role = u.role ?><?cs if:Page.Error ?><?cs set:role = Query.role ?><?cs /if ?>
    <label>角色 <select name="role" required>
      <option value="teacher"<?cs if:role == "teacher" ?> selected<?cs /if ?>>学校负责老师</option>
      <option value="staff"<?cs if:role == "staff" ?> selected<?cs /if ?>>现场工作人员</option>
      <option value="operator"<?cs if:role == "operator" ?> selected<?cs /if ?>>采集单位管理员</option>
    </select></label>
    <label>学校 <select name="school">
      <option value="">（无）</option>
      <?cs each:s = Schools ?><option value="<?cs var:s.id ?>"<?cs if:u.school_id == s.id ?> selected<?cs /if ?>><?cs var:s.name ?>（<?cs var:s.code ?>）</option><?cs /each ?>
    </select></label>
    <label class="ad-check"><input type="checkbox" name="disabled" value="1"<?cs if:u.disabled == "1" ?> checked<?cs /if ?>> 停用该账号（立即退出登录）</label>
    <label>重置密码 <input name="password" type="password" minlength="8" maxlength="256" autocomplete="new-password" placeholder="不修改请留空"></label>
    <p><button type="submit" class="ad-btn ad-btn--primary">保存</button></p>
  </form>
</section>
<?cs /with ?>
<?cs include:"admin/footer.cs" ?>
