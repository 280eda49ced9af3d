<?cs include:"header.cs" ?>
<?cs call:steps(2) ?>
<form method="post" action="/code" enctype="multipart/form-data" class="tc-form" data-upload data-qr="qr-reader">
  <div class="tc-form__head">
    <h2 class="tc-form__title">上传学籍网采集码</h2>
    <p class="tc-form__desc"><?cs var:Task.school_name ?> · <?cs var:Task.title ?></p>
  </div>
  <label class="tc-upload" for="code_image">
    <span class="tc-upload__icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="40" height="40"><path fill="currentColor" d="M3 3h8v8H3V3zm2 2v4h4V5H5zm8-2h8v8h-8V3zm2 2v4h4V5h-4zM3 13h8v8H3v-8zm2 2v4h4v-4H5zm13-2h3v2h-3v-2zm-5 0h3v3h-3v-3zm3 3h2v2h-2v-2zm-3 3h3v2h-3v-2zm5-1h3v3h-3v-3z"/></svg></span>
    <span class="tc-upload__text">点击上传采集码</span>
    <span class="tc-upload__hint">请上传学籍网下载的采集码图片（JPG/PNG，10MB 以内）</span>
    <input id="code_image" name="code_image" type="file" accept="image/*" class="tc-upload__input" required>
  </label>
  <div class="tc-warn">
    <p><strong>注意：</strong></p>
    <p>① 请勿上传截图；</p>
    <p>② 请务必上传本人采集码，上传他人采集码导致其他问题后果自负。</p>
  </div>
  <div id="qr-reader" class="tc-qr-reader" hidden></div>
  <div class="tc-alert tc-upload-error" data-upload-error role="alert" hidden><i class="weui-icon-warn" aria-hidden="true"></i><span></span></div>
  <div class="tc-progress" data-upload-panel hidden>
    <p class="tc-progress__text"><i class="weui-loading" aria-hidden="true"></i><span data-upload-text role="status" aria-live="polite"></span></p>
    <div class="weui-progress"><div class="weui-progress__bar"><div class="weui-progress__inner-bar" data-upload-bar></div></div></div>
  </div>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_primary tc-btn">上传并识别</button>
  </div>
  <p class="tc-tips tc-center">还没有采集码？<a href="/faq#howto">查看获取方式</a></p>
</form>
<?cs if:Report.Offer ?>
<section class="tc-card tc-warn_soft">
  <div class="tc-card__hd">确认是本人的采集码，但不在名单中？</div>
  <p class="tc-tips">请把您的姓名告诉<?cs call:teacher() ?>，老师核对名单后会在首页回复您。</p>
  <form method="post" action="/report" class="tc-report">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="kind" value="not_on_roster">
    <input type="hidden" name="code" value="<?cs var:Query.collect_code ?>">
    <input class="weui-input tc-report__name" name="name" maxlength="32" required placeholder="您的姓名">
    <textarea class="weui-textarea tc-report__text" name="message" rows="2" maxlength="200" placeholder="班级、学号等（选填）"></textarea>
    <button type="submit" class="weui-btn weui-btn_default weui-btn_mini">提交给老师</button>
  </form>
</section>
<?cs /if ?>
<script src="/static/vendor/html5-qrcode.min.js"></script>
<script src="/static/js/upload.js"></script>
<?cs include:"footer.cs" ?>
