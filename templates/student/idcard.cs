<?cs include:"header.cs" ?>
<?cs call:steps(3) ?>
<form method="post" action="/idcard" enctype="multipart/form-data" class="tc-form" data-upload>
  <div class="tc-form__head">
    <h2 class="tc-form__title">上传身份证照片</h2>
    <p class="tc-form__desc">本次采集要求上传身份证人像面照片，仅供现场工作人员核对身份</p>
  </div>
  <label class="tc-upload" for="id_image">
    <span class="tc-upload__icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="40" height="40"><path fill="currentColor" d="M2 5h20v14H2V5zm2 2v10h16V7H4zm2 2h5v6H6V9zm7 1h5v1.5h-5V10zm0 3h4v1.5h-4V13z"/></svg></span>
    <span class="tc-upload__text"><?cs if:Idcard.Failed ?>重新上传身份证照片<?cs else ?>点击上传身份证照片<?cs /if ?></span>
    <span class="tc-upload__hint">请在光线充足处平拍，四角完整、字迹清晰（JPG/PNG）</span>
    <input id="id_image" name="id_image" type="file" accept="image/*" class="tc-upload__input" required>
  </label>
  <?cs if:Idcard.Failed ?>
  <div class="tc-warn">
    <p><strong>身份证图片识别失败</strong></p>
    <p>请根据提示重新拍摄上传。如按提示仍不能完成预约，可在拍摄现场找工作人员现场预约。</p>
  </div>
  <?cs /if ?>
  <div class="tc-alert tc-upload-error" data-upload-error role="alert" hidden><i class="weui-icon-warn" aria-hidden="true"></i><span></span></div>
  <div class="tc-progress" data-upload-panel hidden>
    <p class="tc-progress__text"><i class="weui-loading" aria-hidden="true"></i><span data-upload-text role="status" aria-live="polite"></span></p>
    <div class="weui-progress"><div class="weui-progress__bar"><div class="weui-progress__inner-bar" data-upload-bar></div></div></div>
  </div>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_primary tc-btn">提交</button>
  </div>
  <p class="tc-tips">身份证遗失？无需在线预约，请在拍摄现场找工作人员现场预约即可（<a href="/faq#faq5">常见问题 5</a>）。</p>
</form>
<script src="/static/js/upload.js"></script>
<?cs include:"footer.cs" ?>
