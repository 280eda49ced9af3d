<?cs include:"admin/header.cs" ?>
<?cs # Values: what was just submitted (form error) or the task's. ?>
<?cs def:val(q, d) ?><?cs if:Page.Error ?><?cs var:q ?><?cs else ?><?cs var:d ?><?cs /if ?><?cs /def ?>
<?cs with:t = Tasks.0 ?>
<div class="ad-head"><h1><?cs if:t.id ?>修改任务 <?cs var:t.code ?><?cs else ?>新建采集任务<?cs /if ?></h1></div>
<form method="post" action="<?cs if:t.id ?>/admin/tasks/<?cs var:t.id ?>/edit<?cs else ?>/admin/tasks/new<?cs /if ?>" class="ad-form ad-card">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <label>任务代码 <input name="code" required maxlength="32" pattern="[A-Za-z0-9_.\-]+" value="<?cs call:val(Query.code, t.code) ?>"><small>学生在预约时输入，字母和数字</small></label>
  <label>学校 <select name="school" required>
    <option value="">请选择</option>
    <?cs each:s = Schools ?><option value="<?cs var:s.id ?>"<?cs if:(Page.Error && Query.school == s.id) || (!Page.Error && t.school_id == s.id) ?> selected<?cs /if ?>><?cs var:s.name ?>（<?cs var:s.code ?>）</option><?cs /each ?>
  </select></label>
  <label>任务名称 <input name="title" required maxlength="200" value="<?cs call:val(Query.title, t.title) ?>"></label>
  <div class="ad-form--row">
  <label>采集开始日期 <input name="first_day" type="date" required value="<?cs call:val(Query.first_day, t.first_day) ?>"></label>
  <label>采集结束日期 <input name="last_day" type="date" required value="<?cs call:val(Query.last_day, t.last_day) ?>"></label>
  <label>费用（元） <input name="fee" required class="ad-num" value="<?cs call:val(Query.fee, t.fee) ?>"></label>
  <label>照片大小上限（KB） <input name="photo_max_kb" type="number" min="20" max="500" class="ad-num" value="<?cs if:Page.Error ?><?cs var:Query.photo_max_kb ?><?cs elif:t.photo_max_kb ?><?cs var:t.photo_max_kb ?><?cs else ?>40<?cs /if ?>"><small>学信网规格：480×640 JPEG，默认不超过 40 KB</small></label>
  </div>
  <div class="ad-form--row">
  <label>学校负责老师 <input name="contact_name" maxlength="32" value="<?cs call:val(Query.contact_name, t.contact_name) ?>"><small>学生页面“联系学校负责老师”处显示</small></label>
  <label>负责老师电话 <input name="contact_phone" maxlength="32" inputmode="tel" value="<?cs call:val(Query.contact_phone, t.contact_phone) ?>"></label>
  </div>
  <label>预约须知 <textarea name="notice" rows="6" maxlength="4000"><?cs call:val(Query.notice, t.notice) ?></textarea></label>
  <label class="ad-check"><input type="checkbox" name="require_id_photo" value="1"<?cs if:(Page.Error && Query.require_id_photo) || (!Page.Error && t.require_id_photo == "1") ?> checked<?cs /if ?>> 学生需上传身份证照片</label>
  <label class="ad-check"><input type="checkbox" name="is_open" value="1"<?cs if:(Page.Error && Query.is_open) || (!Page.Error && (t.is_open == "1" || !t.id)) ?> checked<?cs /if ?>> 开放预约</label>
  <p><button type="submit" class="ad-btn ad-btn--primary">保存</button>
  <a class="ad-btn ad-btn--ghost" href="<?cs if:t.id ?>/admin/tasks/<?cs var:t.id ?><?cs else ?>/admin/<?cs /if ?>">返回</a></p>
</form>
<?cs /with ?>
<?cs include:"admin/footer.cs" ?>
