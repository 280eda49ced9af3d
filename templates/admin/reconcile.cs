<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?>
<?cs if:Page.Done == "run" ?><div class="ad-alert ad-alert--ok" role="status">对账已完成。</div>
<?cs elif:Page.Done == "failed" ?><div class="ad-alert ad-alert--error" role="alert">未能取得银行对账单，请稍后重试。</div><?cs /if ?>
<div class="ad-head">
  <div><h1>对账与日结</h1>
  <p class="ad-muted">图采的支付记录与银行对账单逐笔核对；每天由 tucai sweep 自动运行一次。</p></div>
  <form method="post" action="/admin/reconcile" class="ad-actions">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <button type="submit" class="ad-btn ad-btn--primary">立即对账</button>
  </form>
</div>
<?cs with:rr = Recon.Runs.0 ?>
<section class="ad-card">
  <h2>最近一次对账</h2>
  <?cs if:!rr.id ?><p class="ad-empty">尚未对账。</p>
  <?cs elif:rr.failed == "1" ?><p class="ad-alert ad-alert--error"><?cs var:rr.at ?>：未能取得银行对账单。</p>
  <?cs elif:rr.mismatches == "0" ?><p class="ad-alert ad-alert--ok"><?cs var:rr.at ?>：核对 <?cs var:rr.checked ?> 笔，无差异。</p>
  <?cs else ?>
  <p class="ad-alert ad-alert--error"><?cs var:rr.at ?>：核对 <?cs var:rr.checked ?> 笔，<b><?cs var:rr.mismatches ?> 处差异</b>。</p>
  <table class="ad-table">
    <thead><tr><th>差异</th><th>订单号</th><th>预约</th><th>说明</th></tr></thead>
    <tbody><?cs each:x = Recon.Items ?><tr><td><span class="ad-tag ad-tag--warn"><?cs var:x.label ?></span></td><td><code><?cs var:x.ref ?></code></td><td class="n"><?cs if:x.booking_id != "0" ?><?cs var:x.booking_id ?><?cs else ?>—<?cs /if ?></td><td><?cs var:x.detail ?></td></tr><?cs /each ?></tbody>
  </table>
  <?cs /if ?>
</section>
<?cs /with ?>
<div class="ad-grid ad-grid--2">
<section class="ad-card">
  <h2>在线扣款（按日）</h2>
  <?cs if:!subcount(Recon.Totals) ?><p class="ad-empty">暂无扣款。</p><?cs else ?>
  <table class="ad-table">
    <thead><tr><th>日期</th><th class="n">银行（元）</th><th class="n">图采（元）</th><th></th></tr></thead>
    <tbody><?cs each:d = Recon.Totals ?><tr><td><?cs var:d.day ?></td><td class="n"><?cs var:d.bank ?></td><td class="n"><?cs var:d.tucai ?></td><td><?cs if:d.bank_fen != d.tucai_fen ?><span class="ad-tag ad-tag--warn">不符</span><?cs else ?><span class="ad-tag ad-tag--ok">一致</span><?cs /if ?></td></tr><?cs /each ?></tbody>
  </table>
  <?cs /if ?>
</section>
<section class="ad-card">
  <h2>现场收费日结</h2>
  <?cs if:!subcount(Recon.Cashup) ?><p class="ad-empty">暂无现场收费。</p><?cs else ?>
  <table class="ad-table">
    <thead><tr><th>日期</th><th>工作人员</th><th>方式</th><th class="n">笔数</th><th class="n">金额（元）</th></tr></thead>
    <tbody><?cs each:c = Recon.Cashup ?><tr><td><?cs var:c.day ?></td><td><?cs var:c.actor ?></td><td><?cs if:Lang.Pay.Method[c.method] ?><?cs var:Lang.Pay.Method[c.method] ?><?cs else ?><?cs var:c.method ?><?cs /if ?></td><td class="n"><?cs var:c.n ?></td><td class="n"><?cs var:c.yuan ?></td></tr><?cs /each ?></tbody>
  </table>
  <?cs /if ?>
</section>
</div>
<section class="ad-card">
  <h2>对账记录</h2>
  <table class="ad-table">
    <thead><tr><th>时间</th><th>范围</th><th>执行人</th><th class="n">核对笔数</th><th class="n">差异</th></tr></thead>
    <tbody><?cs each:x = Recon.Runs ?><tr><td><?cs var:x.at ?></td><td><?cs if:x.day ?><?cs var:x.day ?><?cs else ?>全部<?cs /if ?></td><td><?cs var:x.actor ?></td><td class="n"><?cs var:x.checked ?></td><td class="n"><?cs if:x.failed == "1" ?>未取得对账单<?cs else ?><?cs var:x.mismatches ?><?cs /if ?></td></tr><?cs /each ?></tbody>
  </table>
</section>
<?cs include:"admin/footer.cs" ?>
