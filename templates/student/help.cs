<?cs include:"header.cs" ?>
<article class="weui-article tc-help">
  <h1>客服问题请找我</h1>
  <p>如采集过程中遇到任何问题，请及时与现场采集人员或图采负责老师联系。</p>
</article>
<div class="weui-cells">
  <div class="weui-cell"><div class="weui-cell__hd"><span class="weui-label">联系电话</span></div><div class="weui-cell__bd"><?cs var:Support.Phone ?></div></div>
  <div class="weui-cell"><div class="weui-cell__hd"><span class="weui-label">电子邮箱</span></div><div class="weui-cell__bd"><a href="mailto:<?cs var:Support.Email ?>"><?cs var:Support.Email ?></a></div></div>
</div>
<div class="weui-cells__tips">信息填错（姓名、身份证号、学籍信息等），请在拍照前联系现场工作人员或电话客服进行更改。</div>
<?cs include:"footer.cs" ?>
