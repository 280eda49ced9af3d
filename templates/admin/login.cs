<?cs include:"admin/header.cs" ?>
<form method="post" action="/admin/login" class="ad-login">
  <h1>图采管理后台</h1>
  <label>用户名 <input name="username" autocomplete="username" required></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <button type="submit">登录</button>
</form>
<?cs include:"admin/footer.cs" ?>
