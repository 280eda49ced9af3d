<?cs include:"header.cs" ?>
<section class="tc-card tc-status tc-status_<?cs var:Booking.state ?>">
  <p class="tc-status__state">确认取消预约？</p>
  <p class="tc-status__desc"><?cs var:Booking.title ?><?cs if:Booking.day ?><br><?cs var:Booking.day ?> <?cs call:weekday(Booking.dow) ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?><?cs /if ?></p>
</section>
<p class="tc-tips">取消后座位立即释放，可重新预约其他时间<?cs if:Booking.pay_state == "authorized" ?>；已冻结的 ¥<?cs var:Booking.amount ?> 将解冻，3 个工作日内原路返回<?cs /if ?>。</p>
<form method="post" action="/booking/cancel" class="tc-form">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <?cs if:Cancel.AskId ?>
  <p class="tc-form__desc">为保护您的预约，请输入本人完整的身份证号后再取消。</p>
  <div class="weui-cells weui-cells_form">
    <label class="weui-cell weui-cell_active"><div class="weui-cell__hd"><span class="weui-label">身份证号</span></div>
    <div class="weui-cell__bd"><input class="weui-input" name="id_number" required maxlength="18" autocomplete="off" inputmode="text" placeholder="18 位身份证号"></div></label>
  </div>
  <?cs /if ?>
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_warn tc-btn">确认取消预约</button>
    <a class="weui-btn weui-btn_default tc-btn" href="/booking">不取消，返回</a>
  </div>
</form>
<?cs include:"footer.cs" ?>
