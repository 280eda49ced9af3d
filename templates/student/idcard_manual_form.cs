<?cs # FAQ 1: the full ID number instead of the card's photo (/idcard/manual);
     included by idcard.cs after the second failure and by idcard_manual.cs. ?>
<form method="post" action="/idcard/manual" class="tc-form" id="idcard-manual">
  <div class="tc-form__head">
    <h2 class="tc-form__title">无法识别？继续预约</h2>
    <p class="tc-form__desc">身份证照片无法识别时，请输入本人完整的 18 位身份证号，核对学籍信息后即可继续预约。拍摄当天请携带身份证原件，由工作人员现场核验（<a href="/faq#faq1">常见问题 1</a>）。</p>
  </div>
  <div class="weui-cells weui-cells_form tc-cells">
    <label class="weui-cell weui-cell_active" for="id_number">
      <div class="weui-cell__hd"><span class="weui-label">身份证号</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="id_number" name="id_number" type="text" maxlength="18" pattern="[0-9]{17}[0-9Xx]" autocomplete="off" spellcheck="false" placeholder="18 位身份证号" required></div>
    </label>
  </div>
  <p class="tc-tips">身份证号仅用于核对本人身份，不会显示在任何页面上。连续输错 5 次，将暂停 1 小时。</p>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions"><button type="submit" class="weui-btn weui-btn_primary tc-btn">核对并继续预约</button></div>
</form>
