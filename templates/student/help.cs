<?cs include:"header.cs" ?>
<article class="weui-article tc-help">
  <h1>客服问题请找我</h1>
  <p>如采集过程中遇到任何问题，请及时与现场采集人员或图采负责老师联系。</p>
</article>
<div class="weui-cells tc-cells tc-contact">
  <?cs if:subcount(Support.Tel) ?><?cs each:n = Support.Tel ?>
  <a class="weui-cell weui-cell_access" href="tel:<?cs var:n.tel ?>"><div class="weui-cell__hd"><span class="weui-label">联系电话</span></div><div class="weui-cell__bd"><?cs var:n.shown ?></div><div class="weui-cell__ft"></div></a><?cs /each ?>
  <?cs else ?><div class="weui-cell"><div class="weui-cell__hd"><span class="weui-label">联系电话</span></div><div class="weui-cell__bd"><?cs var:Support.Phone ?></div></div><?cs /if ?>
  <a class="weui-cell weui-cell_access" href="mailto:<?cs var:Support.Email ?>"><div class="weui-cell__hd"><span class="weui-label">电子邮箱</span></div><div class="weui-cell__bd"><?cs var:Support.Email ?></div><div class="weui-cell__ft"></div></a>
</div>
<p class="tc-tips">信息填错（姓名、身份证号、学籍信息等），请在拍照前联系现场工作人员或电话客服进行更改。</p>
<p class="tc-tips">预约时提示“身份证图片识别失败”“银行卡绑定失败”、或身份证遗失的，可在拍摄现场找工作人员现场预约（<a href="/faq">常见问题</a>）。</p>
<?cs include:"footer.cs" ?>
