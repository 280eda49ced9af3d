<?cs include:"header.cs" ?>
<?cs if:Pay.Public ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="<?cs if:Pay.Public == "ok" ?>weui-icon-success<?cs elif:Pay.Public == "pending" ?>weui-icon-waiting<?cs else ?>weui-icon-warn<?cs /if ?> weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title"><?cs if:Pay.Public == "ok" ?>预支付已冻结，预约成功<?cs elif:Pay.Public == "pending" ?>正在确认支付结果<?cs elif:Pay.Public == "failed" ?>本次预支付未完成<?cs else ?>该预约已取消<?cs /if ?></h2>
    <p class="weui-msg__desc"><?cs if:Pay.Public == "pending" ?>银行的支付结果通知通常在几秒内到达，本页会自动刷新。<?cs /if ?>您在另一个浏览器中打开了支付结果。请用采集码和身份证号查找您的预约，查看预约二维码<?cs if:Pay.Public == "failed" ?>并重新支付<?cs /if ?>。</p>
  </div>
  <div class="weui-msg__opr-area"><p class="weui-btn-area">
    <a class="weui-btn weui-btn_primary" href="/find">查找我的预约</a>
  </p></div>
</div>
<?cs elif:Pay.Pending ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-waiting weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title">正在确认支付结果</h2>
    <p class="weui-msg__desc">银行的支付结果通知通常在几秒内到达，本页会自动刷新。</p>
  </div>
  <div class="weui-msg__opr-area"><p class="weui-btn-area">
    <a class="weui-btn weui-btn_primary" href="/pay/return">刷新支付结果</a>
    <a class="weui-btn weui-btn_default" href="/booking">查看我的预约</a>
  </p></div>
</div>
<?cs else ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title"><?cs if:Pay.Failed == "funds" ?>银行卡余额不足<?cs else ?>银行卡绑定失败<?cs /if ?></h2>
    <p class="weui-msg__desc"><?cs if:Pay.Failed == "funds" ?>卡内可用余额不足以冻结本次预支付金额。<?cs else ?>银行卡未能绑定，本次预支付未完成。<?cs /if ?>请根据提示更换银行卡后重新支付<?cs if:Booking.hold_until ?>（座位保留至 <?cs var:Booking.hold_until ?>）<?cs /if ?>。</p>
  </div>
  <div class="weui-msg__opr-area">
    <form method="post" action="/pay" class="weui-btn-area">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="weui-btn weui-btn_primary">更换银行卡重新支付</button>
      <a class="weui-btn weui-btn_default" href="/booking">查看我的预约</a>
    </form>
  </div>
  <div class="weui-msg__tips-area"><p class="weui-msg__tips">如按提示仍不能完成预约，请在拍摄现场找工作人员现场预约（<a href="/faq#faq1">常见问题 1</a>）。</p></div>
</div>
<?cs /if ?>
<?cs include:"footer.cs" ?>
