<?cs include:"header.cs" ?>
<section class="tc-hero">
  <h1 class="tc-hero__title">高校学生图像采集</h1>
  <p class="tc-hero__desc">毕业证书电子图像采集预约</p>
</section>
<?cs if:Booking.id ?>
<div class="weui-panel">
  <div class="weui-panel__hd">我的预约</div>
  <div class="weui-panel__bd tc-booking-card">
    <p><?cs var:Booking.state_name ?> · <?cs var:Booking.slot_text ?></p>
    <a class="weui-btn weui-btn_primary" href="/booking">查看预约二维码</a>
  </div>
</div>
<?cs /if ?>
<div class="tc-entry">
  <a class="tc-entry__btn" href="/task">
    <span class="tc-entry__icon" aria-hidden="true">&#127891;</span>
    <span class="tc-entry__name">毕业生采集</span>
    <span class="tc-entry__hint">填写任务代码，上传采集码，预约采集时间</span>
  </a>
</div>
<div class="weui-cells">
  <a class="weui-cell weui-cell_access" href="/find"><div class="weui-cell__bd">换了手机？查找我的预约</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/records"><div class="weui-cell__bd">采集记录与照片下载</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/faq"><div class="weui-cell__bd">常见问题</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/help"><div class="weui-cell__bd">联系客服</div><div class="weui-cell__ft"></div></a>
</div>
<div class="weui-panel tc-notice">
  <div class="weui-panel__hd">采集须知</div>
  <div class="weui-panel__bd weui-article">
    <p>1. 请先在学信网下载本人的采集码图片并保存到手机。</p>
    <p>2. 任务代码由学校统一通知，请仔细阅读采集通知。</p>
    <p>3. 本次支付为预支付，即时冻结卡内余额，在采集完成后完成扣款。</p>
    <p>4. 采集当天出示首页的“预约二维码”或学信网下载的采集码。</p>
  </div>
</div>
<?cs include:"footer.cs" ?>
