<?cs include:"header.cs" ?>
<form method="post" action="/find" class="tc-form">
  <div class="tc-form__head">
    <h2 class="tc-form__title">查找我的预约</h2>
    <p class="tc-form__desc">换了手机或浏览器？输入采集码和证件号后四位即可找回预约</p>
  </div>
  <div class="weui-cells weui-cells_form tc-cells">
    <label class="weui-cell weui-cell_active" for="collect_code">
      <div class="weui-cell__hd"><span class="weui-label">采集码</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="collect_code" name="collect_code" type="text" maxlength="64" autocomplete="off" spellcheck="false" placeholder="学信网采集码" required></div>
    </label>
    <label class="weui-cell weui-cell_active" for="id_last4">
      <div class="weui-cell__hd"><span class="weui-label">证件号后四位</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="id_last4" name="id_last4" type="text" maxlength="4" pattern="[0-9Xx]{4}" autocomplete="off" placeholder="如 0219" required></div>
    </label>
  </div>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions"><button type="submit" class="weui-btn weui-btn_primary tc-btn">查找</button></div>
</form>
<?cs include:"footer.cs" ?>
