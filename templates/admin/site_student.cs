<?cs include:"admin/header.cs" ?>
<link rel="stylesheet" href="/static/css/site.css">
<?cs with:s = Student.0 ?>
<div class="st-page">
<p class="st-back"><a href="/admin/site">← 返回现场采集</a></p>
<div class="st-grid">
<div class="st-col">
  <section class="st-shot" aria-label="拍摄号">
  <?cs if:Booking.0.shot_no ?>
    <div class="st-shot-label">拍摄号</div>
    <div class="st-shot-no" id="st-shot-no"><?cs var:Booking.0.shot_no ?></div>
    <div class="st-shot-day">签到于 <?cs var:Booking.0.checked_in_at ?></div>
  <?cs elif:Booking.0.id ?>
    <div class="st-shot-label">尚未签到</div>
    <form method="post" action="/admin/site/scan">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <input type="hidden" name="code" value="<?cs var:s.collect_code ?>">
      <button type="submit" class="st-btn st-btn--primary">签到并分配拍摄号</button>
    </form>
  <?cs else ?>
    <div class="st-shot-label">无有效预约</div>
  <?cs /if ?>
    <div class="st-state">
    <?cs if:Booking.0.state == "collected" ?><span class="st-tag st-tag--ok">已采集</span> <?cs var:Booking.0.collected_at ?>
    <?cs elif:Booking.0.state == "checked_in" ?><span class="st-tag st-tag--wait">已签到，待拍照</span>
    <?cs elif:Booking.0.state == "booked" ?><span class="st-tag">已预约</span>
    <?cs elif:Booking.0.state == "held" ?><span class="st-tag st-tag--warn">预约未支付</span>
    <?cs /if ?>
    <?cs if:Booking.0.walkin == 1 ?><span class="st-tag">现场预约</span><?cs /if ?>
    <?cs if:Booking.0.slot_from ?><span class="st-hint">预约时段 <?cs var:Booking.0.slot_from ?>-<?cs var:Booking.0.slot_to ?></span><?cs /if ?>
    </div>
    <?cs if:Booking.0.id_check_onsite == 1 && Booking.0.state != "collected" ?>
    <div class="st-idcheck" role="alert" id="st-idcheck">
      <strong>现场核验身份证</strong>
      <span>线上身份证照片未能识别，学生输入身份证号完成预约。请查验身份证原件：姓名、证件号与上方学籍信息一致后再拍照。</span>
    </div>
    <?cs /if ?>
  </section>

  <?cs if:!Booking.0.id ?>
  <section class="st-card" aria-labelledby="st-wi-h">
    <h2 id="st-wi-h">现场预约</h2>
    <?cs if:s.in_window == 1 ?>
    <form method="post" action="/admin/site/walkin">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <input type="hidden" name="collect_code" value="<?cs var:s.collect_code ?>">
      <label class="st-label" for="st-method">现场收费 ¥<?cs var:s.fee ?></label>
      <?cs include:"admin/site_method.cs" ?>
    </form>
    <?cs else ?>
    <p class="st-hint">不在该学校的集中采集时间内（<?cs var:s.first_day ?> 至 <?cs var:s.last_day ?>），不能现场预约。</p>
    <?cs /if ?>
  </section>
  <?cs /if ?>

  <section class="st-card" aria-labelledby="st-stu-h">
    <h2 id="st-stu-h"><?cs var:s.name ?></h2>
    <dl class="st-dl">
      <dt>采集码</dt><dd><?cs var:s.collect_code ?></dd>
      <dt>证件号</dt><dd><?cs var:s.id_shown ?></dd>
      <dt>学号</dt><dd><?cs var:s.student_no ?></dd>
      <dt>班级</dt><dd><?cs var:s.class_name ?></dd>
      <dt>学历类别</dt><dd><?cs var:s.edu_category ?></dd>
      <dt>学历层次</dt><dd><?cs var:s.edu_level ?></dd>
      <dt>学校</dt><dd><?cs var:s.school_name ?>（<?cs var:s.school_code ?>）</dd>
      <dt>任务</dt><dd><?cs var:s.task_code ?> <?cs var:s.task_title ?></dd>
      <dt>采集时间</dt><dd><?cs var:s.first_day ?> 至 <?cs var:s.last_day ?><?cs if:s.in_window != 1 ?> <span class="st-tag st-tag--warn">不在采集时间内</span><?cs /if ?></dd>
    </dl>
    <p><a class="st-btn" href="/admin/students/<?cs var:s.id ?>">信息有误？更正学籍信息</a></p>
  </section>

  <?cs if:Booking.0.id ?>
  <section class="st-card" aria-labelledby="st-pay-h">
    <h2 id="st-pay-h">费用</h2>
    <p class="st-pay">
    <?cs if:Payment.0.state == "captured" ?><span class="st-tag st-tag--ok">已扣款</span> ¥<?cs var:Payment.0.amount ?>
    <?cs elif:Payment.0.state == "onsite" ?><span class="st-tag st-tag--ok">现场已收费</span> ¥<?cs var:Payment.0.amount ?>（<?cs if:Lang.Pay.Method[Payment.0.method] ?><?cs var:Lang.Pay.Method[Payment.0.method] ?><?cs else ?><?cs var:Payment.0.method ?><?cs /if ?>）
    <?cs elif:Site.CaptureRetry ?><span class="st-tag st-tag--warn">扣款待重试</span> ¥<?cs var:Payment.0.amount ?> 已冻结
    <?cs elif:Payment.0.state == "authorized" ?><span class="st-tag">已冻结</span> ¥<?cs var:Payment.0.amount ?>（拍照后扣款）
    <?cs elif:Site.FeeDue ?><span class="st-tag st-tag--warn"><?cs if:Booking.0.pay_onsite == "1" ?>到场支付<?cs else ?>未支付<?cs /if ?> — 现场收费</span> ¥<?cs var:s.fee ?>
      <?cs if:Payment.0.state == "lapsed" ?>（冻结已失效）<?cs elif:Payment.0.state == "failed" ?>（支付失败）<?cs elif:Payment.0.state == "voided" ?>（冻结已释放）<?cs elif:Payment.0.state == "created" ?>（未完成支付）<?cs /if ?>
    <?cs elif:Booking.0.id ?><span class="st-tag st-tag--ok">免费</span>
    <?cs else ?>—
    <?cs /if ?>
    </p>
    <?cs if:Site.CaptureRetry ?>
    <form method="post" action="/admin/site/students/<?cs var:s.id ?>/capture">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="st-btn">重试扣款</button>
    </form>
    <?cs /if ?>
    <?cs if:Site.FeeDue ?>
    <form method="post" action="/admin/site/students/<?cs var:s.id ?>/fee" class="st-row">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <select name="method" class="st-input" aria-label="收费方式">
        <option value="cash">现金</option>
        <option value="wechat">微信</option>
        <option value="alipay">支付宝</option>
        <option value="card">银行卡</option>
      </select>
      <button type="submit" class="st-btn st-btn--primary">已现场收费 ¥<?cs var:s.fee ?></button>
    </form>
    <?cs /if ?>
  </section>
  <?cs /if ?>
</div>

<div class="st-col">
  <?cs if:Booking.0.state == "checked_in" || Booking.0.state == "collected" ?>
  <section class="st-card" aria-labelledby="st-ph-h">
    <h2 id="st-ph-h"><?cs if:Booking.0.state == "collected" ?>重拍照片<?cs else ?>上传照片<?cs /if ?></h2>
    <form method="post" action="/admin/site/students/<?cs var:s.id ?>/photo" enctype="multipart/form-data" class="st-photo-form">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <label class="st-btn st-file st-btn--wide">选择或拍摄照片<input type="file" name="photo" accept="image/*" capture="environment" required data-preview="st-preview"></label>
      <img id="st-preview" class="st-preview" alt="待上传照片预览" hidden>
      <p class="st-hint">照片将裁剪为 480×640、JPEG，大小不超过任务规定。拍摄号 <?cs var:Booking.0.shot_no ?>：请确认是本人。</p>
      <button type="submit" class="st-btn st-btn--primary st-btn--wide">上传照片</button>
    </form>
  </section>
  <?cs /if ?>

  <?cs if:subcount(Photos) > 0 ?>
  <section class="st-card" aria-labelledby="st-cur-h">
    <h2 id="st-cur-h">采集照片</h2>
    <?cs each:p = Photos ?><?cs if:p.is_current == 1 ?>
    <figure class="st-current">
      <img src="/admin/site/students/<?cs var:s.id ?>/photos/<?cs var:p.id ?>.jpg" width="240" height="320" alt="当前照片">
      <figcaption><?cs var:p.at ?> · <?cs var:p.bytes ?> 字节 · 质量 <?cs var:p.quality ?><?cs if:p.by_user ?> · <?cs var:p.by_user ?><?cs /if ?></figcaption>
    </figure>
    <?cs if:p.bg_ok == 0 ?><p class="st-warn" role="status">背景可能不是均匀的浅色，请检查照片（不影响保存）。</p><?cs /if ?>
    <?cs /if ?><?cs /each ?>
    <?cs if:subcount(Photos) > 1 ?>
    <h3>历史照片</h3>
    <ul class="st-history">
    <?cs each:p = Photos ?><?cs if:p.is_current != 1 ?>
      <li><img src="/admin/site/students/<?cs var:s.id ?>/photos/<?cs var:p.id ?>.jpg" width="60" height="80" alt="历史照片" loading="lazy"><span><?cs var:p.at ?></span></li>
    <?cs /if ?><?cs /each ?>
    </ul>
    <?cs /if ?>
  </section>
  <?cs /if ?>

  <?cs if:s.idcards > 0 ?>
  <section class="st-card" aria-labelledby="st-id-h">
    <h2 id="st-id-h">身份证照片</h2>
    <img class="st-idcard" src="/admin/site/students/<?cs var:s.id ?>/idcard.jpg" alt="学生上传的身份证照片">
  </section>
  <?cs /if ?>

  <?cs set:Site.NoAutofocus = 1 ?><?cs include:"admin/site_scan.cs" ?>
</div>
</div>
</div>
<?cs /with ?>
<script src="/static/vendor/html5-qrcode.min.js" defer></script>
<script src="/static/js/site.js" defer></script>
<?cs include:"admin/footer.cs" ?>
