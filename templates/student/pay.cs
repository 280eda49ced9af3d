<?cs include:"header.cs" ?>
<?cs if:Pay.Again != "1" ?><?cs call:steps(5) ?><?cs /if ?>
<?cs if:Pay.Again == "1" ?>
<div class="tc-warn"><p><b>重新确认预授权</b>：原预授权<?cs if:Booking.reauth_by ?>将于 <?cs var:Booking.reauth_by ?> 到期<?cs else ?>已过期<?cs /if ?>，早于您的采集时间。确认后重新冻结下方金额，原冻结款项随即解冻；预约时间不变。</p></div>
<?cs /if ?>
<section class="tc-card tc-pay">
  <p class="tc-pay__label">预支付金额</p>
  <p class="tc-pay__amount"><small>¥</small><?cs var:Booking.amount ?></p>
  <p class="tc-pay__note">本次支付为预支付，即时冻结卡内余额，在采集完成后完成扣款。</p>
</section>
<div class="weui-form-preview tc-preview">
  <div class="weui-form-preview__bd">
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">采集任务</label><span class="weui-form-preview__value"><?cs var:Booking.title ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">预约时间</label><span class="weui-form-preview__value"><?cs var:Booking.day ?> <?cs call:weekday(Booking.dow) ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?></span></div>
    <?cs if:Booking.hold_until ?><div class="weui-form-preview__item"><label class="weui-form-preview__label">座位保留至</label><span class="weui-form-preview__value tc-strong"><?cs var:Booking.hold_until ?>（请在此前完成支付）</span></div><?cs /if ?>
  </div>
</div>
<?cs if:Pay.ProviderFailed ?>
<div class="tc-warn"><p>支付暂时未能发起。您可以稍后重试；如仍不能完成预约，请在拍摄现场找工作人员现场预约。</p></div>
<?cs /if ?>
<form method="post" action="/pay" class="tc-actions">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <button type="submit" class="weui-btn weui-btn_primary tc-btn"><?cs if:Pay.ProviderFailed ?>重新支付<?cs else ?>去支付（冻结 ¥<?cs var:Booking.amount ?>）<?cs /if ?></button>
  <?cs if:Pay.Again != "1" ?><a class="weui-btn weui-btn_default tc-btn" href="/slots">更改预约时间</a><?cs /if ?>
</form>
<p class="tc-tips">未采集的订单会在学校集中采集时间结束后统一取消，冻结的费用将在 3 个工作日内原路返回。</p>
<?cs include:"footer.cs" ?>
