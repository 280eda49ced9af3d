<?cs include:"header.cs" ?>
<section class="tc-card tc-status">
  <p class="tc-status__state">确认更改预约时间？</p>
  <p class="tc-status__desc"><?cs var:Booking.title ?></p>
</section>
<div class="weui-form-preview tc-preview">
  <div class="weui-form-preview__bd">
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">原预约时间</label><span class="weui-form-preview__value"><?cs if:Booking.day ?><?cs var:Booking.day ?> <?cs call:weekday(Booking.dow) ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?><?cs else ?>—<?cs /if ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">新预约时间</label><span class="weui-form-preview__value tc-strong"><?cs var:New.0.day ?> <?cs call:weekday(New.0.dow) ?> <?cs var:New.0.t_from ?>-<?cs var:New.0.t_to ?></span></div>
  </div>
</div>
<p class="tc-tips">更改后原时段的座位立即释放<?cs if:Booking.pay_state == "authorized" ?>，已冻结的费用不变<?cs /if ?>。</p>
<form method="post" action="/slots" class="tc-actions">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <input type="hidden" name="slot_id" value="<?cs var:New.0.id ?>">
  <input type="hidden" name="agree" value="1">
  <input type="hidden" name="confirm" value="1">
  <button type="submit" class="weui-btn weui-btn_primary tc-btn">确认更改</button>
  <a class="weui-btn weui-btn_default tc-btn" href="/booking">不更改，返回</a>
</form>
<?cs include:"footer.cs" ?>
