<?cs include:"header.cs" ?>
<?cs if:!Booking.id ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>
  <div class="weui-msg__text-area"><h2 class="weui-msg__title">暂无预约</h2>
  <p class="weui-msg__desc">填写任务代码、上传采集码后即可预约采集时间。</p></div>
  <div class="weui-msg__opr-area"><p class="weui-btn-area"><a class="weui-btn weui-btn_primary" href="/task">去预约</a></p></div>
</div>
<?cs else ?>
<section class="tc-card tc-status tc-status_<?cs var:Booking.state ?>">
  <p class="tc-status__state"><?cs call:state_name(Booking.state) ?></p>
  <p class="tc-status__desc"><?cs if:Booking.state == "held" ?>座位已为您保留<?cs if:Booking.hold_until ?>至 <?cs var:Booking.hold_until ?><?cs /if ?>，完成预支付后预约成功。<?cs elif:Booking.state == "booked" ?>采集当天请到现场出示下方预约二维码。<?cs elif:Booking.state == "checked_in" ?>已签到<?cs if:Booking.shot_no ?>，拍摄号 <?cs var:Booking.shot_no ?><?cs /if ?>，请等候拍摄。<?cs elif:Booking.state == "collected" ?>采集已完成，可在采集记录中下载照片。<?cs elif:Booking.state == "cancelled" ?><?cs if:(Booking.pay_state == "voided" || Booking.pay_state == "authorized" || Booking.pay_state == "lapsed") && Booking.refund_by ?>已取消，冻结款项将于 <?cs var:Booking.refund_by ?> 前原路返回。<?cs else ?>预约已取消。<?cs /if ?><?cs else ?>未在规定时间内完成支付，座位已释放。<?cs /if ?></p>
</section>
<?cs if:(Booking.state == "booked" || Booking.state == "checked_in") && Booking.reauth_by ?>
<div class="tc-warn" role="alert"><p><b>需重新授权</b>：您的预支付冻结将于 <?cs var:Booking.reauth_by ?> 到期，早于预约的采集时间。请在 <?cs var:Booking.reauth_by ?> 前重新确认预授权（重新冻结 ¥<?cs var:Booking.amount ?>，原冻结款项随即解冻），否则需在采集现场缴费。</p>
<a class="weui-btn weui-btn_primary tc-btn" href="/pay">重新确认预授权</a></div>
<?cs elif:(Booking.state == "booked" || Booking.state == "checked_in") && Booking.pay_onsite == "1" ?>
<div class="tc-warn" role="alert"><p><b>到场支付</b>：预授权已过期，请在采集现场缴费 ¥<?cs var:Booking.amount ?>（工作人员现场收费），您的预约时间不变。</p>
<a class="weui-btn weui-btn_default tc-btn" href="/pay">改为在线预支付</a></div>
<?cs /if ?>
<?cs if:Booking.state == "booked" || Booking.state == "checked_in" ?>
<section class="tc-card tc-qr">
  <div class="tc-card__hd">预约二维码</div>
  <img src="/booking/qr.png" alt="预约二维码" width="220" height="220">
  <p class="tc-tips tc-center">采集现场出示此二维码或学信网下载的采集码</p>
</section>
<?cs /if ?>
<div class="weui-form-preview tc-preview">
  <div class="weui-form-preview__bd">
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">采集任务</label><span class="weui-form-preview__value"><?cs var:Booking.title ?></span></div>
    <?cs if:Booking.day ?><div class="weui-form-preview__item"><label class="weui-form-preview__label">预约时间</label><span class="weui-form-preview__value"><?cs var:Booking.day ?> <?cs call:weekday(Booking.dow) ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?></span></div><?cs /if ?>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">预约状态</label><span class="weui-form-preview__value"><?cs call:state_name(Booking.state) ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label"><?cs if:Booking.pay_state == "captured" ?>已扣款<?cs elif:Booking.pay_state == "authorized" ?>已冻结金额<?cs else ?>采集费用<?cs /if ?></label><span class="weui-form-preview__value">¥<?cs var:Booking.amount ?></span></div>
  </div>
</div>
<?cs if:Booking.state == "cancelled" || Booking.state == "expired" ?>
<?cs if:Booking.pay_state == "voided" || Booking.pay_state == "authorized" || Booking.pay_state == "lapsed" ?>
<div class="tc-banner"><?cs if:Booking.refund_by ?><?cs if:Booking.state == "cancelled" ?>已取消，<?cs /if ?>冻结款项将于 <?cs var:Booking.refund_by ?> 前原路返回。<?cs else ?>冻结的费用将在 3 个工作日内原路返回。<?cs /if ?></div>
<?cs /if ?>
<div class="tc-actions"><a class="weui-btn weui-btn_primary tc-btn" href="/slots">重新预约</a></div>
<?cs /if ?>
<?cs if:Booking.state == "held" || Booking.state == "booked" ?>
<div class="tc-actions">
  <?cs if:Booking.state == "held" ?><a class="weui-btn weui-btn_primary tc-btn" href="/pay">去支付</a><?cs /if ?>
  <a class="weui-btn weui-btn_default tc-btn" href="/slots">更改预约时间</a>
</div>
<form method="get" action="/booking/cancel" class="tc-actions">
  <button type="submit" class="weui-btn weui-btn_warn tc-btn tc-btn_plain">取消预约</button>
</form>
<p class="tc-tips">取消后座位立即释放；已冻结的费用将在 3 个工作日内原路返回。</p>
<?cs /if ?>
<?cs /if ?>
<?cs if:Task.notice && (Booking.state == "held" || Booking.state == "booked" || Booking.state == "checked_in") ?>
<section class="tc-card tc-notice">
  <div class="tc-card__hd">采集须知（地点与携带物品）</div>
  <div class="tc-pre"><?cs var:Task.notice ?></div>
</section>
<?cs /if ?>
<form method="post" action="/leave" class="tc-actions">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <button type="submit" class="weui-btn weui-btn_default tc-btn tc-btn_plain">不是本人？换一个采集码</button>
</form>
<?cs include:"footer.cs" ?>
