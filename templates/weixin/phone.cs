<?cs include:"weixin/header.cs" ?>
<?cs if:Page.Error ?>
<div class="weui-toptips weui-toptips_warn wx-error" role="alert"><?cs var:Page.Error ?></div>
<?cs /if ?>
<form method="post" action="/weixin-sandbox/phone" class="wx-form" autocomplete="off">
  <input type="hidden" name="ts" value="<?cs var:Wx.Ts ?>">
  <input type="hidden" name="sig" value="<?cs var:Wx.Sig ?>">
  <h1 class="wx-title">本机微信账号</h1>
  <p class="wx-ask">如同手机上登录的微信：网页授权（snsapi_base）时静默使用此账号。</p>
  <p class="wx-ask">当前：<?cs if:Wx.Phone.openid ?><span class="wx-openid" data-openid="<?cs var:Wx.Phone.openid ?>"><?cs var:Wx.Phone.openid ?></span><?cs else ?>未选择（首次授权时自动生成一个新用户）<?cs /if ?><?cs if:Wx.Phone.ask == "1" ?>，每次授权显示授权页面<?cs /if ?></p>
  <div class="weui-cells__title">换成沙箱微信用户</div>
  <div class="weui-cells weui-cells_radio">
    <?cs each:u = Wx.Users ?>
    <label class="weui-cell weui-cell_active weui-check__label" for="u<?cs name:u ?>">
      <div class="weui-cell__bd"><p><?cs var:u.name ?></p><p class="wx-openid"><?cs var:u.openid ?></p></div>
      <div class="weui-cell__ft">
        <input type="radio" class="weui-check" name="user" id="u<?cs name:u ?>" value="<?cs var:u.name ?>">
        <span class="weui-icon-checked"></span>
      </div>
    </label>
    <?cs /each ?>
  </div>
  <div class="weui-cells weui-cells_form">
    <label class="weui-cell weui-cell_active" for="user_other">
      <div class="weui-cell__hd"><span class="weui-label">其他用户</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="user_other" name="other" type="text" maxlength="32" placeholder="名称（同名同 openid）"></div>
    </label>
    <label class="weui-cell weui-cell_active weui-check__label" for="ask">
      <div class="weui-cell__bd">每次授权时显示授权页面（选择用户、拒绝、模拟故障）</div>
      <div class="weui-cell__ft"><input type="checkbox" class="weui-switch" id="ask" name="ask" value="1"<?cs if:Wx.Phone.ask == "1" ?> checked<?cs /if ?>></div>
    </label>
  </div>
  <div class="weui-btn-area">
    <button type="submit" class="weui-btn weui-btn_primary">保存</button>
  </div>
</form>
</main>
<footer class="wx-footer">沙箱环境，仅供测试：代替微信网页授权（snsapi_base），不连接微信</footer>
</body>
</html>
