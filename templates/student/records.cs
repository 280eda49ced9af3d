<?cs include:"header.cs" ?>
<?cs if:Known == "0" ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>
  <div class="weui-msg__text-area"><h2 class="weui-msg__title">请先查找您的预约</h2>
  <p class="weui-msg__desc">输入采集码和身份证号后即可查看采集记录、下载照片。</p></div>
  <div class="weui-msg__opr-area"><p class="weui-btn-area"><a class="weui-btn weui-btn_primary" href="/find">查找我的预约</a></p></div>
</div>
<?cs elif:!Records.0.id ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>
  <div class="weui-msg__text-area"><h2 class="weui-msg__title">暂无采集记录</h2>
  <p class="weui-msg__desc">完成现场采集后，可在这里查看记录并下载本次采集的电子版照片。</p></div>
</div>
<?cs else ?>
<p class="tc-cells__title">采集记录</p>
<?cs each:x = Records ?>
<section class="tc-card tc-record">
  <div class="tc-card__hd"><?cs var:x.title ?><span class="tc-tag tc-tag_<?cs var:x.state ?>"><?cs call:state_name(x.state) ?></span></div>
  <dl class="tc-kv">
    <dt>采集日期</dt><dd><?cs if:x.day ?><?cs var:x.day ?><?cs else ?>—<?cs /if ?></dd>
    <dt>拍摄号</dt><dd><?cs if:x.shot_no ?><?cs var:x.shot_no ?><?cs else ?>—<?cs /if ?></dd>
    <?cs if:x.at ?><dt>完成时间</dt><dd><?cs var:x.at ?></dd><?cs /if ?>
    <?cs if:x.ended && (x.state == "cancelled" || x.state == "expired") ?><dt>取消日期</dt><dd><?cs var:x.ended ?></dd><?cs /if ?>
  </dl>
  <?cs if:x.refund_by && (x.state == "cancelled" || x.state == "expired") ?>
  <p class="tc-banner"><?cs if:x.state == "cancelled" ?>已取消，<?cs /if ?>冻结款项将于 <?cs var:x.refund_by ?> 前原路返回。</p>
  <?cs /if ?>
  <?cs if:x.photo_id && x.state == "collected" && x.settled == "1" ?>
  <figure class="tc-photo">
    <img src="/records/<?cs var:x.photo_id ?>.jpg?view=1" alt="毕业证书电子图像" width="240" height="320">
    <figcaption>长按图片保存到相册</figcaption>
  </figure>
  <a class="weui-btn weui-btn_default tc-btn" href="/records/<?cs var:x.photo_id ?>.jpg">下载电子版照片（电脑）</a>
  <?cs elif:x.photo_id && x.state == "collected" ?>
  <p class="tc-warn">照片已拍摄。采集费用结清后（扣款完成或现场缴费）即可在这里下载；如有疑问请联系现场工作人员。</p>
  <?cs /if ?>
</section>
<?cs /each ?>
<?cs /if ?>
<?cs include:"footer.cs" ?>
