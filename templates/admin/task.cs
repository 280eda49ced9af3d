<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?><?cs include:"admin/chart_bar.cs" ?>
<?cs with:t = Tasks.0 ?>
<?cs if:Page.Done == "saved" ?><div class="ad-alert ad-alert--ok" role="status">任务已保存。</div>
<?cs elif:Page.Done == "slots" ?><div class="ad-alert ad-alert--ok" role="status">已生成 <?cs var:Page.N ?> 个时段。</div>
<?cs elif:Page.Done == "capacity" ?><div class="ad-alert ad-alert--ok" role="status">时段人数已修改。</div>
<?cs elif:Page.Done == "deleted" ?><div class="ad-alert ad-alert--ok" role="status">时段已删除。</div>
<?cs elif:Page.Done == "closed" ?><div class="ad-alert ad-alert--ok" role="status">任务已结束：取消未采集订单 <?cs var:Page.N ?> 个，解冻款项 <?cs var:Page.V ?> 笔（3 个工作日内原路返回），完成扣款 <?cs var:Page.K ?> 笔。</div>
<?cs elif:Page.Done == "roster" ?><div class="ad-alert ad-alert--ok" role="status">名单已导入：<?cs var:Page.Imported ?> 条，拒绝 <?cs var:Page.Rejected ?> 条。</div>
<?cs /if ?>
<div class="ad-head">
  <div>
    <h1><?cs var:t.title ?></h1>
    <p class="ad-muted">任务代码 <b><?cs var:t.code ?></b> · <?cs var:t.school ?>（<?cs var:t.school_code ?>）· 采集时间 <?cs var:t.first_day ?> 至 <?cs var:t.last_day ?> · 费用 <?cs var:t.fee ?> 元<?cs if:t.require_id_photo == "1" ?> · 需上传身份证照片<?cs /if ?>
    · <?cs if:t.closed == "1" ?><span class="ad-tag">已结束</span><?cs elif:t.is_open == "1" ?><span class="ad-tag ad-tag--ok">预约中</span><?cs else ?><span class="ad-tag ad-tag--warn">未开放</span><?cs /if ?></p>
  </div>
  <div class="ad-actions">
    <?cs if:User.IsOperator ?><a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/edit">修改任务</a><?cs /if ?>
    <?cs if:User.CanExport ?>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/roster">上传名单</a>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/export.xlsx">导出名单（Excel）</a>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/export.csv">导出（CSV）</a>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/export.csv?enc=gb18030" title="GB18030，兼容 GBK，供不识别 UTF-8 的旧版 Excel">导出（CSV，GB18030）</a>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/unbooked.xlsx">未预约名单（Excel）</a>
    <a class="ad-btn" href="/admin/tasks/<?cs var:t.id ?>/unbooked.csv">未预约名单（CSV）</a>
    <?cs /if ?>
  </div>
</div>

<div class="ad-grid ad-grid--2">
<section class="ad-card">
  <h2>采集进度</h2>
  <?cs call:bar_chart(t.chart, "采集进度") ?>
</section>
<section class="ad-card">
  <h2>各班预约进度 <span class="ad-muted ad-small">（进度最慢的班级在前）</span></h2>
  <?cs if:subcount(Classes) ?><?cs call:bar_chart(ClassChart, "各班预约进度") ?><?cs else ?><p class="ad-empty">尚未导入名单。</p><?cs /if ?>
</section>
</div>

<section class="ad-card">
  <h2>各班采集进度（按人数）</h2>
  <table class="ad-table">
  <thead><tr><th>班级</th><th class="n">名单人数</th><th class="n">未预约</th><th class="n">待支付</th><th class="n">已预约</th><th class="n">已签到</th><th class="n">已采集</th><th class="n">已取消</th><th class="n">预约率</th></tr></thead>
  <tbody>
  <?cs each:c = Classes ?>
  <?cs set:q = "/admin/students?task=" + t.id + "&class=" + url_escape(c.class_name) ?>
  <tr<?cs if:#c.pct < #50 ?> class="is-lag"<?cs /if ?>>
    <td><a href="<?cs var:q ?>"><?cs var:c.class_name ?></a></td>
    <td class="n"><a href="<?cs var:q ?>"><?cs var:c.total ?></a></td>
    <td class="n<?cs if:#c.unbooked > #0 ?> ad-bad<?cs /if ?>"><a href="<?cs var:q ?>&amp;state=unbooked"><?cs var:c.unbooked ?></a></td>
    <td class="n"><a href="<?cs var:q ?>&amp;state=held"><?cs var:c.unpaid ?></a></td>
    <td class="n"><a href="<?cs var:q ?>&amp;state=booked"><?cs var:c.booked ?></a></td>
    <td class="n"><a href="<?cs var:q ?>&amp;state=checked_in"><?cs var:c.checked_in ?></a></td>
    <td class="n"><a href="<?cs var:q ?>&amp;state=collected"><?cs var:c.collected ?></a></td>
    <td class="n"><a href="<?cs var:q ?>&amp;state=cancelled"><?cs var:c.cancelled ?></a></td>
    <td class="n"><?cs var:c.pct ?>%</td>
  </tr>
  <?cs /each ?>
  </tbody>
  </table>
</section>

<section class="ad-card" id="slots">
  <h2>预约时段 <span class="ad-muted ad-small">共 <?cs var:subcount(Slots) ?> 个</span></h2>
  <?cs if:!subcount(Slots) ?><p class="ad-empty">还没有时段。</p><?cs /if ?>
  <?cs if:subcount(Slots) ?>
  <table class="ad-table ad-table--slots">
  <thead><tr><th>日期</th><th>时间</th><th class="n">人数</th><th class="n">已约</th><th class="n">剩余</th><th>占用</th><?cs if:User.IsOperator ?><th>修改人数</th><th></th><?cs /if ?></tr></thead>
  <tbody>
  <?cs set:lastday = "" ?>
  <?cs each:s = Slots ?>
  <tr<?cs if:s.day != lastday ?> class="is-newday"<?cs /if ?>>
    <td class="ad-nowrap"><?cs if:s.day != lastday ?><?cs var:s.day ?><?cs /if ?></td>
    <td class="ad-nowrap"><?cs var:s.start ?>–<?cs var:s.end ?></td>
    <td class="n"><?cs var:s.capacity ?></td>
    <td class="n"><?cs var:s.booked ?></td>
    <td class="n"><?cs var:s.free ?></td>
    <td><svg class="ad-fill" width="100" height="10" viewBox="0 0 100 10" aria-label="<?cs var:s.pct ?>%"><rect class="ad-fill__bg" x="0" y="0" width="100" height="10"/><rect class="ad-fill__v<?cs if:#s.pct >= #100 ?> is-full<?cs /if ?>" x="0" y="0" width="<?cs var:s.pct ?>" height="10"/></svg> <span class="ad-small"><?cs var:s.pct ?>%</span></td>
    <?cs if:User.IsOperator ?>
    <td><form method="post" action="/admin/slots/<?cs var:s.id ?>/capacity" class="ad-inline">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <input name="capacity" type="number" min="<?cs var:s.booked ?>" max="10000" value="<?cs var:s.capacity ?>" class="ad-num" aria-label="人数">
      <button type="submit" class="ad-btn ad-btn--small">保存</button></form></td>
    <td><?cs if:s.booked == "0" && s.refs == "0" ?><form method="post" action="/admin/slots/<?cs var:s.id ?>/delete" class="ad-inline">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="ad-btn ad-btn--small ad-btn--danger">删除</button></form><?cs /if ?></td>
    <?cs /if ?>
  </tr>
  <?cs set:lastday = s.day ?>
  <?cs /each ?>
  </tbody>
  </table>
  <?cs /if ?>
</section>

<?cs if:User.IsOperator ?>
<section class="ad-card">
  <h2>批量生成时段</h2>
  <form method="post" action="/admin/tasks/<?cs var:t.id ?>/slots" class="ad-form ad-form--row">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label>日期从 <input name="date_from" type="date" required value="<?cs if:Query.date_from ?><?cs var:Query.date_from ?><?cs else ?><?cs var:t.first_day ?><?cs /if ?>"></label>
    <label>至 <input name="date_to" type="date" required value="<?cs if:Query.date_to ?><?cs var:Query.date_to ?><?cs else ?><?cs var:t.last_day ?><?cs /if ?>"></label>
    <label>上午 <input name="time_from" type="time" required value="<?cs if:Query.time_from ?><?cs var:Query.time_from ?><?cs else ?>08:30<?cs /if ?>"></label>
    <label>至 <input name="time_to" type="time" required value="<?cs if:Query.time_to ?><?cs var:Query.time_to ?><?cs else ?>11:30<?cs /if ?>"></label>
    <label>下午 <input name="time_from2" type="time" value="<?cs var:Query.time_from2 ?>"></label>
    <label>至 <input name="time_to2" type="time" value="<?cs var:Query.time_to2 ?>"></label>
    <label>每段分钟 <input name="every" type="number" min="5" max="720" required class="ad-num" value="<?cs if:Query.every ?><?cs var:Query.every ?><?cs else ?>30<?cs /if ?>"></label>
    <label>每段人数 <input name="capacity" type="number" min="1" max="10000" required class="ad-num" value="<?cs if:Query.capacity ?><?cs var:Query.capacity ?><?cs else ?>20<?cs /if ?>"></label>
    <button type="submit" class="ad-btn ad-btn--primary">生成</button>
  </form>
  <p class="ad-muted ad-small">已存在的开始时间不会重复生成。</p>
</section>
<section class="ad-card ad-card--danger">
  <h2>结束任务</h2>
  <p>采集时间（至 <?cs var:t.last_day ?>）结束后，取消所有未完成采集的订单，并解冻学生的预支付款项（3 个工作日内原路返回）。已采集的不受影响；可重复执行。</p>
  <a class="ad-btn ad-btn--danger" href="/admin/tasks/<?cs var:t.id ?>/close">结束任务并退款…</a>
</section>
<?cs /if ?>
<?cs /with ?>
<?cs include:"admin/footer.cs" ?>
