<?cs include:"header.cs" ?>
<form method="post" action="/find" enctype="multipart/form-data" class="tc-form">
  <div class="tc-form__head">
    <h2 class="tc-form__title">查找我的预约</h2>
    <?cs if:Find.Closed ?>
    <p class="tc-form__desc">本次采集已结束。已预约或已拍摄的同学，请输入采集码和完整身份证号，查看采集记录、照片和退款说明。</p>
    <?cs elif:Find.Pending ?>
    <p class="tc-form__desc">该采集码已有预约记录。为保护个人信息，请输入本人完整身份证号后查看；也可使用预约时的手机直接打开。</p>
    <?cs else ?>
    <p class="tc-form__desc">换了手机或浏览器？上传学信网采集码图片（或输入采集码），再输入完整身份证号即可找回预约</p>
    <?cs /if ?>
  </div>
  <div class="weui-cells weui-cells_form tc-cells">
    <?cs if:!Find.Pending ?>
    <label class="weui-cell weui-cell_active" for="code_image">
      <div class="weui-cell__hd"><span class="weui-label">采集码图片</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="code_image" name="code_image" type="file" accept="image/*"></div>
    </label>
    <label class="weui-cell weui-cell_active" for="collect_code">
      <div class="weui-cell__hd"><span class="weui-label">或采集码</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="collect_code" name="collect_code" type="text" maxlength="64" autocomplete="off" spellcheck="false" placeholder="采集码图片下方的编码"></div>
    </label>
    <?cs /if ?>
    <label class="weui-cell weui-cell_active" for="id_number">
      <div class="weui-cell__hd"><span class="weui-label">身份证号</span></div>
      <div class="weui-cell__bd"><input class="weui-input" id="id_number" name="id_number" type="text" maxlength="18" pattern="[0-9]{17}[0-9Xx]" autocomplete="off" spellcheck="false" placeholder="18 位身份证号" required></div>
    </label>
  </div>
  <p class="tc-tips">身份证号仅用于核对本人身份，不会显示在任何页面上。连续输错 5 次，该学生的查找将关闭 1 小时。</p>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions"><button type="submit" class="weui-btn weui-btn_primary tc-btn">查找</button></div>
</form>
<?cs include:"footer.cs" ?>
