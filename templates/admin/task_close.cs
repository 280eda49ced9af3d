<?cs include:"admin/header.cs" ?>
<div class="ad-head">
  <div>
    <h1>结束任务 <?cs var:Plan.code ?></h1>
    <p class="ad-muted">采集时间至 <?cs var:Plan.last_day ?><?cs if:Plan.window_over == "1" ?>（已结束）<?cs else ?>（<b>尚未结束</b>）<?cs /if ?></p>
  </div>
  <div class="ad-actions"><a class="ad-btn" href="/admin/tasks/<?cs var:Plan.task_id ?>">返回任务</a></div>
</div>
<?cs if:Plan.window_over != "1" ?>
<div class="ad-alert ad-alert--error" role="alert">采集期未结束（至 <?cs var:Plan.last_day ?>），不能结束任务。结束后所有未采集的学生将无法再预约或采集；如确需提前结束（例如任务设置错误），请勾选“强制结束”并填写原因，操作将记入审计日志。</div>
<?cs /if ?>
<?cs if:Plan.checked_in != "0" ?>
<div class="ad-alert ad-alert--error" role="alert">以下 <?cs var:Plan.checked_in ?> 名学生已签到但尚未上传照片，结束任务会取消他们的订单：
  <ul><?cs each:b = Plan.block ?><li><?cs var:b ?></li><?cs /each ?><?cs if:Plan.more > 0 ?><li>……另有 <?cs var:Plan.more ?> 人</li><?cs /if ?></ul>
  请先在采集现场上传照片；如确需结束，请勾选“强制结束”并填写原因。</div>
<?cs /if ?>
<section class="ad-card ad-card--danger">
  <h2>结束后将会</h2>
  <table class="ad-table">
    <tr><th>取消未采集订单</th><td class="ad-num"><?cs var:Plan.to_cancel ?> 个</td></tr>
    <tr><th>解冻预支付款项（3 个工作日内原路返回）</th><td class="ad-num"><?cs var:Plan.holds ?> 笔</td></tr>
    <tr><th>已采集、完成扣款</th><td class="ad-num"><?cs var:Plan.to_capture ?> 笔</td></tr>
    <tr><th>已采集（不受影响）</th><td class="ad-num"><?cs var:Plan.collected ?> 人</td></tr>
  </table>
  <form method="post" action="/admin/tasks/<?cs var:Plan.task_id ?>/close" class="ad-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label>请输入任务代码 <b><?cs var:Plan.code ?></b> 以确认
      <input name="confirm_code" required autocomplete="off" spellcheck="false" value=""></label>
    <?cs if:Plan.window_over != "1" || Plan.checked_in != "0" ?>
    <label><input type="checkbox" name="force" value="1"> 强制结束</label>
    <label>原因（必填，记入审计日志）<textarea name="reason" rows="2" maxlength="200"><?cs var:Query.reason ?></textarea></label>
    <?cs /if ?>
    <button type="submit" class="ad-btn ad-btn--danger">确认结束任务并退款</button>
  </form>
</section>
<?cs include:"admin/footer.cs" ?>
