<?cs include:"header.cs" ?>
<?cs call:steps(4) ?>
<?cs if:Booking.id && (Booking.state == "held" || Booking.state == "booked") ?>
<div class="tc-banner">当前预约：<?cs var:Booking.day ?> <?cs var:Booking.t_from ?>-<?cs var:Booking.t_to ?>。选择新的时段提交即可更改，原时段将自动释放。</div>
<?cs /if ?>
<div class="tc-form__head">
  <h2 class="tc-form__title">选择预约时间</h2>
  <p class="tc-form__desc">采集时间：<?cs var:Task.first_day ?> 至 <?cs var:Task.last_day ?>（北京时间）</p>
</div>
<?cs if:!Day ?>
<div class="weui-msg tc-empty">
  <div class="weui-msg__icon-area"><i class="weui-icon-info weui-icon_msg"></i></div>
  <div class="weui-msg__text-area"><h2 class="weui-msg__title">暂无可预约的时段</h2>
  <p class="weui-msg__desc">请留意学校通知，或联系<?cs call:teacher() ?>。</p></div>
</div>
<?cs else ?>
<nav class="tc-days" aria-label="日期">
<?cs each:d = Days ?>
  <a class="tc-day<?cs if:d.day == Day ?> is-on<?cs /if ?><?cs if:d.seats_left < 1 ?> is-full<?cs /if ?>" href="/slots?date=<?cs var:url_escape(d.day) ?>"<?cs if:d.day == Day ?> aria-current="date"<?cs /if ?>>
    <span class="tc-day__w"><?cs call:weekday(d.dow) ?></span>
    <span class="tc-day__d"><?cs var:d.md ?></span>
    <span class="tc-day__n"><?cs if:d.seats_left > 0 ?>余<?cs var:d.seats_left ?><?cs else ?>约满<?cs /if ?></span>
  </a>
<?cs /each ?>
</nav>
<form method="post" action="/slots" class="tc-form">
  <p class="tc-cells__title">日期 <?cs var:Day ?></p>
  <div class="tc-slots">
  <?cs each:s = Slots ?>
    <label class="tc-slot<?cs if:s.seats_left < 1 ?> is-full<?cs /if ?>">
      <input type="radio" name="slot_id" value="<?cs var:s.id ?>"<?cs if:s.seats_left < 1 ?> disabled<?cs /if ?><?cs if:s.id == Booking.slot_id ?> checked<?cs /if ?> required>
      <span class="tc-slot__box"><span class="tc-slot__time"><?cs var:s.t_from ?>-<?cs var:s.t_to ?></span>
      <span class="tc-slot__left"><?cs if:s.seats_left > 0 ?>剩余 <?cs var:s.seats_left ?> 个<?cs else ?>已约满<?cs /if ?></span></span>
    </label>
  <?cs /each ?>
  </div>
  <section class="tc-card tc-notice">
    <div class="tc-card__hd">预约须知</div>
    <?cs if:Task.notice ?><div class="tc-pre"><?cs var:Task.notice ?></div><?cs else ?>
    <ol class="tc-list">
      <li>请按预约时间携带本人身份证到采集现场；在学校安排的集中采集时间内均可采集。</li>
      <li>本次支付为预支付，即时冻结卡内余额，采集完成后才扣款。</li>
      <li>如姓名、身份证号、学籍信息等有误，请在拍照前联系现场工作人员或电话客服更改。</li>
      <li>超过学校集中采集时间未完成采集的订单将统一取消，冻结费用 3 个工作日内原路返回。</li>
    </ol><?cs /if ?>
  </section>
  <label class="tc-agree" for="agree">
    <input id="agree" type="checkbox" name="agree" value="1" required>
    <span>我已阅读并同意《预约须知》</span>
  </label>
  <input type="hidden" name="date" value="<?cs var:Day ?>">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_primary tc-btn">提交</button>
  </div>
</form>
<?cs /if ?>
<?cs include:"footer.cs" ?>
