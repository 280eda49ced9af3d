<?cs include:"admin/header.cs" ?>
<form method="post" action="/admin/login" class="ad-login ad-card">
  <h1>图采管理后台</h1>
  <p class="ad-muted">学校负责老师、采集单位管理员和现场工作人员登录</p>
  <label>用户名 <input name="username" autocomplete="username" maxlength="64" required value="<?cs var:Query.username ?>"></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" maxlength="256" required></label>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <button type="submit" class="ad-btn ad-btn--primary">登录</button>
  <p class="ad-muted ad-small">同一账号在同一网络连续输错 5 次，需等待 15 分钟后再试。</p>
</form>
<?cs include:"admin/footer.cs" ?>
