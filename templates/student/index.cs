<?cs include:"header.cs" ?>
<section class="tc-hero">
  <div class="tc-hero__logo" aria-hidden="true">图采</div>
  <h1 class="tc-hero__title">高校学生图像采集</h1>
  <p class="tc-hero__desc">毕业证书电子图像采集 · 在线预约</p>
  <?cs if:Weixin.Signed ?><p class="tc-wx-signed">已通过微信登录<?cs if:!Booking.id ?>：预约后，在任何手机的微信中打开本页都能看到预约<?cs /if ?></p><?cs /if ?>
</section>
<?cs if:Page.Reported ?><div class="tc-alert tc-alert_ok" role="status"><span>已提交给学校负责老师，老师回复后会显示在这里。</span></div><?cs /if ?>
<?cs each:x = Reports ?>
<section class="tc-card tc-reply">
  <div class="tc-card__hd">给老师的反馈<span class="tc-tag"><?cs if:x.state == "answered" ?>老师已回复<?cs else ?>等待老师处理<?cs /if ?></span></div>
  <p class="tc-tips"><?cs var:x.at ?> · <?cs if:x.kind == "data_error" ?>学籍信息有误<?cs else ?>采集码不在名单中<?cs /if ?><?cs if:x.message ?>：<?cs var:x.message ?><?cs /if ?></p>
  <?cs if:x.answer ?><p class="tc-reply__answer">老师回复：<?cs var:x.answer ?></p><?cs /if ?>
</section>
<?cs /each ?>
<?cs if:Booking.id ?>
<section class="tc-card tc-card_booking">
  <div class="tc-card__hd">我的预约<span class="tc-tag tc-tag_<?cs var:Booking.state ?>"><?cs call:state_name(Booking.state) ?></span></div>
  <div class="tc-card__row">
    <div class="tc-card__main">
      <p class="tc-card__title"><?cs var:Booking.title ?></p>
      <?cs if:Booking.day ?><p class="tc-card__desc"><?cs var:Booking.day ?> <?cs call:weekday(Booking.dow) ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?></p><?cs /if ?>
    </div>
    <?cs if:Booking.state == "booked" || Booking.state == "checked_in" ?>
    <a class="tc-qr-mini" href="/booking"><img src="/booking/qr.png" alt="预约二维码" width="64" height="64"></a>
    <?cs /if ?>
  </div>
  <?cs if:Booking.reauth_by && (Booking.state == "booked" || Booking.state == "checked_in") ?>
  <p class="tc-warn"><b>需重新授权</b>：预支付冻结将于 <?cs var:Booking.reauth_by ?> 到期，请在此前重新确认，否则需到场支付。</p>
  <a class="weui-btn weui-btn_primary tc-btn" href="/pay">重新确认预授权</a>
  <?cs elif:Booking.pay_onsite == "1" && (Booking.state == "booked" || Booking.state == "checked_in") ?>
  <p class="tc-warn"><b>到场支付</b>：预授权已过期，请在采集现场缴费 ¥<?cs var:Booking.amount ?>。</p>
  <?cs /if ?>
  <a class="weui-btn weui-btn_primary tc-btn" href="/booking"><?cs if:Booking.state == "held" ?>继续完成预约<?cs elif:Booking.state == "collected" ?>查看采集记录<?cs elif:Booking.state == "cancelled" || Booking.state == "expired" ?>查看预约<?cs else ?>查看预约二维码<?cs /if ?></a>
  <form method="post" action="/leave" class="tc-leave">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <button type="submit" class="tc-link">不是本人？换一个采集码</button>
  </form>
</section>
<?cs /if ?>
<a class="tc-entry" href="/task">
  <span class="tc-entry__icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="28" height="28"><path fill="currentColor" d="M12 3 1 9l11 6 9-4.9V17h2V9L12 3zm-7 9.2v4L12 20l7-3.8v-4L12 16l-7-3.8z"/></svg></span>
  <span class="tc-entry__text"><span class="tc-entry__name">毕业生采集</span>
  <span class="tc-entry__hint">填写任务代码 · 上传采集码 · 预约采集时间</span></span>
  <span class="tc-entry__arrow" aria-hidden="true">&#8250;</span>
</a>
<div class="weui-cells tc-cells">
  <a class="weui-cell weui-cell_access" href="/booking"><div class="weui-cell__bd">我的预约与预约二维码</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/records"><div class="weui-cell__bd">采集记录与照片下载</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/find"><div class="weui-cell__bd">换了手机？查找我的预约</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/faq"><div class="weui-cell__bd">常见问题</div><div class="weui-cell__ft"></div></a>
  <a class="weui-cell weui-cell_access" href="/help"><div class="weui-cell__bd">联系客服</div><div class="weui-cell__ft"></div></a>
</div>
<section class="tc-card tc-notice">
  <div class="tc-card__hd">采集须知</div>
  <ol class="tc-list">
    <li>请先在学信网下载本人的采集码图片并保存到手机（<a href="/faq#howto">如何获取</a>）。</li>
    <li>任务代码由学校统一通知，请仔细阅读采集通知。</li>
    <li>本次支付为预支付，即时冻结卡内余额，在采集完成后完成扣款。</li>
    <li>采集当天出示首页的“预约二维码”或学信网下载的采集码。</li>
  </ol>
</section>
<?cs include:"footer.cs" ?>
