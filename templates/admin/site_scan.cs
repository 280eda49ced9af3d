<?cs # The scan box of the station: scanner (keyboard wedge) or typing,
       a picture of the code, or the phone camera (static/js/site.js). ?>
<section class="st-scan" aria-labelledby="st-scan-h">
  <h2 id="st-scan-h">扫码签到</h2>
  <form method="post" action="/admin/site/scan" enctype="multipart/form-data" class="st-scan-form" id="st-scan-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label class="st-label" for="st-code">预约二维码 / 采集码</label>
    <div class="st-row">
      <input id="st-code" name="code" class="st-code" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" inputmode="text" maxlength="512" placeholder="用扫码枪扫描，或输入后按回车" data-scan<?cs if:!Site.NoAutofocus ?> autofocus<?cs /if ?>>
      <button type="submit" class="st-btn st-btn--primary">签到</button>
    </div>
    <div class="st-row st-row--tools">
      <button type="button" class="st-btn" id="st-cam-btn" hidden>摄像头扫码</button>
      <label class="st-btn st-file">上传二维码图片<input type="file" name="code_image" accept="image/*" data-autosubmit></label>
    </div>
    <div id="st-cam" class="st-cam" hidden>
      <div id="st-cam-reader"></div>
      <p class="st-hint" id="st-cam-msg">请将预约二维码或采集码对准摄像头</p>
      <button type="button" class="st-btn" id="st-cam-stop">关闭摄像头</button>
    </div>
  </form>
</section>
