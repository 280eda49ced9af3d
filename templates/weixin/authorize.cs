<?cs include:"weixin/header.cs" ?>
<?cs if:Wx.Errcode ?>
<div class="weui-msg wx-oops">
  <div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg" aria-hidden="true"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title">Oops! Something went wrong:(</h2>
    <p class="weui-msg__desc">错误码 <span data-errcode="<?cs var:Wx.Errcode ?>"><?cs var:Wx.Errcode ?></span>：<?cs var:Wx.Errmsg ?></p>
  </div>
</div>
<?cs else ?>
<?cs if:Page.Error ?>
<div class="weui-toptips weui-toptips_warn wx-error" role="alert"><?cs var:Page.Error ?></div>
<?cs /if ?>
<section class="wx-app">
  <div class="wx-app__logo" aria-hidden="true">图采</div>
  <p class="wx-app__name">高校学生图像采集</p>
  <p class="wx-app__id">AppID <?cs var:Query.appid ?></p>
</section>
<form method="post" action="/weixin-sandbox/connect/oauth2/authorize" class="wx-form" autocomplete="off">
  <input type="hidden" name="appid" value="<?cs var:Query.appid ?>">
  <input type="hidden" name="redirect_uri" value="<?cs var:Query.redirect_uri ?>">
  <input type="hidden" name="response_type" value="<?cs var:Query.response_type ?>">
  <input type="hidden" name="scope" value="<?cs var:Query.scope ?>">
  <input type="hidden" name="state" value="<?cs var:Query.state ?>">
  <input type="hidden" name="ts" value="<?cs var:Wx.Ts ?>">
  <input type="hidden" name="sig" value="<?cs var:Wx.Sig ?>">
  <h1 class="wx-title">授权登录</h1>
  <p class="wx-ask">该网页申请获得以下权限：</p>
  <ul class="wx-perm"><li>获得你的公开信息（微信用户标识 openid）<?cs if:Query.scope == "snsapi_base" ?>，静默授权<?cs /if ?></li></ul>
  <div class="weui-cells__title">选择沙箱微信用户（同一用户在任何手机上得到同一 openid）</div>
  <div class="weui-cells weui-cells_radio">
    <?cs each:u = Wx.Users ?>
    <label class="weui-cell weui-cell_active weui-check__label" for="u<?cs name:u ?>">
      <div class="weui-cell__bd"><p><?cs var:u.name ?></p><p class="wx-openid"><?cs var:u.openid ?></p></div>
      <div class="weui-cell__ft">
        <input type="radio" class="weui-check" name="user" id="u<?cs name:u ?>" value="<?cs var:u.name ?>"<?cs if:name(u) == "0" ?> checked<?cs /if ?>>
        <span class="weui-icon-checked"></span>
      </div>
    </label>
    <?cs /each ?>
  </div>
  <details class="wx-more">
    <summary>其他用户与测试选项</summary>
    <p class="wx-note">填写了其他用户名称时，以填写的为准（同名同 openid）。</p>
    <div class="weui-cells weui-cells_form">
      <label class="weui-cell weui-cell_active" for="user_other">
        <div class="weui-cell__hd"><span class="weui-label">用户名称</span></div>
        <div class="weui-cell__bd"><input class="weui-input" id="user_other" name="other" type="text" maxlength="32" placeholder="如：测试同学A"></div>
      </label>
      <label class="weui-cell weui-cell_active" for="fault">
        <div class="weui-cell__hd"><span class="weui-label">换取结果</span></div>
        <div class="weui-cell__bd">
          <select class="weui-select" id="fault" name="fault">
            <option value="none" selected>正常</option>
            <option value="busy">系统繁忙（errcode -1）</option>
            <option value="down">网络故障（HTTP 502）</option>
          </select>
        </div>
      </label>
      <label class="weui-cell weui-cell_active weui-check__label" for="ask">
        <div class="weui-cell__bd">下次授权仍显示此页面（否则本机以所选用户静默授权）</div>
        <div class="weui-cell__ft"><input type="checkbox" class="weui-switch" id="ask" name="ask" value="1" checked></div>
      </label>
      <label class="weui-cell weui-cell_active weui-check__label" for="snapshot">
        <div class="weui-cell__bd">快照页模式（虚拟账号，is_snapshotuser）</div>
        <div class="weui-cell__ft"><input type="checkbox" class="weui-switch" id="snapshot" name="snapshot" value="1"></div>
      </label>
    </div>
  </details>
  <div class="weui-btn-area wx-btns">
    <button type="submit" name="decision" value="allow" class="weui-btn weui-btn_primary">允许</button>
    <button type="submit" name="decision" value="deny" class="weui-btn weui-btn_default">拒绝</button>
  </div>
</form>
<?cs /if ?>
</main>
<footer class="wx-footer">沙箱环境，仅供测试：代替微信网页授权（snsapi_base），不连接微信 · <a href="/weixin-sandbox/phone">本机微信账号</a></footer>
</body>
</html>
