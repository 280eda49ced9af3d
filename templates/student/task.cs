<?cs include:"header.cs" ?>
<form method="post" action="/task" class="weui-form tc-form">
  <div class="weui-form__text-area">
    <h2 class="weui-form__title">填写任务代码</h2>
    <div class="weui-form__desc">任务代码由学校统一进行通知，请仔细阅读采集通知</div>
  </div>
  <div class="weui-cells weui-cells_form">
    <label class="weui-cell weui-cell_active" for="task_code">
      <div class="weui-cell__hd"><span class="weui-label">任务代码</span></div>
      <div class="weui-cell__bd">
        <input class="weui-input" id="task_code" name="task_code" type="text" maxlength="32" autocomplete="off" autocapitalize="characters" placeholder="请填写任务代码" value="<?cs var:Query.task_code ?>" required>
      </div>
    </label>
  </div>
  <div class="weui-cells__tips">如输入不正确任务代码，请与学校负责老师确认</div>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="weui-form__opr-area">
    <button type="submit" class="weui-btn weui-btn_primary">提交</button>
  </div>
</form>
<?cs include:"footer.cs" ?>
