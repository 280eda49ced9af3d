<?cs if:Error.Admin ?><?cs include:"admin/header.cs" ?><?cs else ?><?cs set:Page.Title = Error.Title ?><?cs include:"header.cs" ?><?cs /if ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title"><?cs var:Error.Title ?></h2>
    <p class="weui-msg__desc"><?cs if:Error.Message ?><?cs var:Error.Message ?><?cs elif:Error.Status == 404 ?>您访问的页面不存在或已失效。<?cs elif:Error.Status == 429 ?>操作过于频繁，请稍后再试。<?cs elif:Error.Status == 503 ?>系统繁忙，请稍后再试。<?cs elif:Error.Status == 413 ?>上传的文件过大，请上传 10MB 以内的图片。<?cs elif:Error.Status == 415 ?>请上传 JPG 或 PNG 格式的图片。<?cs else ?>请返回重试。<?cs /if ?></p>
    <?cs if:Error.Incident ?><p class="weui-msg__desc tc-incident">错误编号：<?cs var:Error.Incident ?>（联系客服时请提供）</p><?cs /if ?>
  </div>
  <div class="weui-msg__opr-area"><p class="weui-btn-area">
    <a class="weui-btn weui-btn_default" href="<?cs if:Error.Admin ?>/admin/<?cs else ?>/<?cs /if ?>">返回首页</a>
  </p></div>
</div>
<?cs if:Error.Admin ?><?cs include:"admin/footer.cs" ?><?cs else ?><?cs include:"footer.cs" ?><?cs /if ?>
