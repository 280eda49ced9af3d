<?cs include:"header.cs" ?>
<?cs call:steps(3) ?>
<div class="tc-form__head">
  <h2 class="tc-form__title">核对本人学籍信息</h2>
  <p class="tc-form__desc">请确认以下信息无误后提交</p>
</div>
<div class="weui-form-preview tc-preview">
  <div class="weui-form-preview__bd">
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">采集码</label><span class="weui-form-preview__value tc-mono"><?cs var:Student.collect_code ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">学校名称</label><span class="weui-form-preview__value"><?cs var:Task.school_name ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">学校代码</label><span class="weui-form-preview__value"><?cs var:Task.school_code ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">姓名</label><span class="weui-form-preview__value"><?cs var:Student.name ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">证件号(后四位)</label><span class="weui-form-preview__value"><?cs var:Student.id_last4 ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">学历类别</label><span class="weui-form-preview__value"><?cs var:Student.edu_category ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">学历层次</label><span class="weui-form-preview__value"><?cs var:Student.edu_level ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">学号</label><span class="weui-form-preview__value"><?cs var:Student.student_no ?></span></div>
    <div class="weui-form-preview__item"><label class="weui-form-preview__label">班级</label><span class="weui-form-preview__value"><?cs var:Student.class_name ?></span></div>
  </div>
</div>
<form method="post" action="/confirm" class="tc-actions">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <button type="submit" class="weui-btn weui-btn_primary tc-btn">确认无误，提交</button>
  <a class="weui-btn weui-btn_default tc-btn" href="/code">重新上传采集码</a>
</form>
<div class="tc-warn tc-warn_soft">
  <p><strong>信息有误？</strong>如姓名、身份证号、学籍信息等有误，请告诉<?cs call:teacher() ?>（在下面写明），或在拍照前联系现场工作人员、<a href="/help">电话客服</a>进行更改。老师的回复会显示在首页。</p>
  <form method="post" action="/report" class="tc-report">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="kind" value="data_error">
    <textarea class="weui-textarea tc-report__text" name="message" rows="2" maxlength="200" required placeholder="例如：姓名应为“张三丰”，班级应为“会计2班”"></textarea>
    <button type="submit" class="weui-btn weui-btn_default weui-btn_mini">提交给老师</button>
  </form>
</div>
<?cs include:"footer.cs" ?>
