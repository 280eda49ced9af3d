<?cs include:"admin/header.cs" ?><?cs include:"admin/macros.cs" ?><?cs include:"admin/chart_bar.cs" ?>
<div class="ad-head">
  <h1>采集任务总览</h1>
  <?cs if:User.IsOperator ?><a class="ad-btn ad-btn--primary" href="/admin/tasks/new">新建任务</a><?cs /if ?>
</div>
<?cs if:User.IsOperator ?>
<?cs with:rr = Recon.Runs.0 ?>
<p class="ad-alert <?cs if:!rr.id ?>ad-alert--warn<?cs elif:rr.failed == "1" || rr.mismatches != "0" ?>ad-alert--error<?cs else ?>ad-alert--ok<?cs /if ?>" role="status">对账：<?cs if:!rr.id ?>尚未对账<?cs elif:rr.failed == "1" ?><?cs var:rr.at ?> 未能取得银行对账单<?cs elif:rr.mismatches == "0" ?><?cs var:rr.at ?> 核对 <?cs var:rr.checked ?> 笔，无差异<?cs else ?><?cs var:rr.at ?> 核对 <?cs var:rr.checked ?> 笔，<b><?cs var:rr.mismatches ?> 处差异</b><?cs /if ?> · <a href="/admin/reconcile">查看对账与日结</a></p>
<?cs /with ?>
<?cs /if ?>
<?cs if:#Reports.open > #0 ?><p class="ad-alert ad-alert--warn" role="status">有 <b><?cs var:Reports.open ?></b> 条学生反馈等待处理 · <a href="/admin/reports">去处理</a></p><?cs /if ?>
<?cs if:!subcount(Tasks) ?><p class="ad-empty">暂无可查看的采集任务。</p><?cs /if ?>
<p class="ad-muted ad-small">按学生人数统计：每位学生只计一次（取其当前预约的状态）；点击数字查看名单并导出。</p>
<table class="ad-table ad-table--sum">
<thead><tr><th>任务</th><th>学校</th><th>采集时间</th><th class="n">名单人数</th><th class="n">未预约</th><th class="n">待支付</th><th class="n">已预约</th><th class="n">已签到</th><th class="n">已采集</th><th class="n">已取消</th><th>状态</th></tr></thead>
<tbody>
<?cs each:t = Tasks ?>
<tr>
  <td><a href="/admin/tasks/<?cs var:t.id ?>"><?cs var:t.code ?></a> <span class="ad-muted"><?cs var:t.title ?></span></td>
  <td><?cs var:t.school ?></td>
  <td class="ad-nowrap"><?cs var:t.first_day ?> 至 <?cs var:t.last_day ?></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>"><?cs var:t.total ?></a></td>
  <td class="n<?cs if:#t.unbooked > #0 ?> ad-bad<?cs /if ?>"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=unbooked"><?cs var:t.unbooked ?></a></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=held"><?cs var:t.unpaid ?></a></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=booked"><?cs var:t.booked ?></a></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=checked_in"><?cs var:t.checked_in ?></a></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=collected"><?cs var:t.collected ?></a></td>
  <td class="n"><a href="/admin/students?task=<?cs var:t.id ?>&amp;state=cancelled"><?cs var:t.cancelled ?></a></td>
  <td><?cs if:t.closed == "1" ?><span class="ad-tag">已结束</span><?cs elif:t.is_open == "1" ?><span class="ad-tag ad-tag--ok">预约中</span><?cs else ?><span class="ad-tag ad-tag--warn">未开放</span><?cs /if ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
<div class="ad-grid">
<?cs each:t = Tasks ?>
<section class="ad-card">
  <h2><a href="/admin/tasks/<?cs var:t.id ?>"><?cs var:t.title ?></a></h2>
  <p class="ad-muted">任务代码 <?cs var:t.code ?> · <?cs var:t.school ?> · 名单 <?cs var:t.total ?> 人</p>
  <?cs call:bar_chart(t.chart, "采集进度") ?>
  <p class="ad-links">
    <a href="/admin/tasks/<?cs var:t.id ?>">班级进度与时段</a>
    <a href="/admin/students?task=<?cs var:t.id ?>&amp;state=unbooked">未预约学生</a>
    <?cs if:User.CanExport ?><a href="/admin/tasks/<?cs var:t.id ?>/export.csv">导出名单</a><?cs /if ?>
  </p>
</section>
<?cs /each ?>
</div>
<?cs include:"admin/footer.cs" ?>
