<?cs include:"header.cs" ?>
<?cs call:steps(3) ?>
<?cs include:"student/idcard_manual_form.cs" ?>
<div class="tc-actions"><a class="weui-btn weui-btn_default tc-btn" href="/idcard">重新上传身份证照片</a></div>
<p class="tc-tips">身份证遗失？无需在线预约，请在拍摄现场找工作人员现场预约即可（<a href="/faq#faq5">常见问题 5</a>）。</p>
<?cs include:"footer.cs" ?>
