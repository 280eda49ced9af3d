<?cs include:"header.cs" ?>
<?cs call:steps(1) ?>
<form method="post" action="/task" class="tc-form">
  <div class="tc-form__head">
    <h2 class="tc-form__title">填写任务代码</h2>
    <p class="tc-form__desc">任务代码由学校统一进行通知，请仔细阅读采集通知</p>
  </div>
  <div class="weui-cells weui-cells_form tc-cells">
    <label class="weui-cell weui-cell_active" for="task_code">
      <div class="weui-cell__hd"><span class="weui-label">任务代码</span></div>
      <div class="weui-cell__bd">
        <input class="weui-input" id="task_code" name="task_code" type="text" maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="请填写任务代码" value="<?cs var:Query.task_code ?>" required>
      </div>
    </label>
  </div>
  <p class="tc-tips">如输入不正确任务代码，请与学校负责老师确认（任务代码见学校的采集通知）</p>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_primary tc-btn">提交</button>
  </div>
</form>
<?cs include:"footer.cs" ?>
