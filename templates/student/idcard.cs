<?cs include:"header.cs" ?>
<?cs call:steps(3) ?>
<form method="post" action="/idcard" enctype="multipart/form-data" class="tc-form" data-upload>
  <div class="tc-form__head">
    <h2 class="tc-form__title">上传身份证照片</h2>
    <p class="tc-form__desc">本次采集要求上传身份证人像面照片，仅供现场工作人员核对身份</p>
  </div>
  <?cs # The notice of PIPL Art. 17, 29 and 30 for a sensitive personal
       information.  Its version is Privacy.Version (core/privacy.h,
       PRIVACY_NOTICE_VERSION, or Privacy.NoticeVersion in tucai.hdf):
       change it with this text, it is recorded with every consent. ?>
  <section class="tc-card tc-notice tc-consent" aria-labelledby="consent-title">
    <div class="tc-card__hd" id="consent-title">身份证照片收集告知书</div>
    <dl class="tc-consent__list">
      <dt>收集什么</dt>
      <dd>您的身份证人像面照片一张（含姓名、性别、民族、出生日期、住址、身份证号码和证件照）。身份证照片属于敏感个人信息。</dd>
      <dt>为什么收集</dt>
      <dd>仅用于采集当天现场工作人员核对您的身份，确认是本人采集毕业图像，不用于其他目的。</dd>
      <dt>保存多久</dt>
      <dd>采集任务结束满 <?cs var:Privacy.PurgeDays ?> 天、照片交付学校后即删除；届时身份证号仅保留前 3 位和后 4 位。毕业图像照片和采集名单按学校要求保存。</dd>
      <dt>谁能看到</dt>
      <dd>仅本次采集的现场工作人员和平台运营管理员，不提供给其他任何人。</dd>
      <dt>不同意怎么办</dt>
      <dd>可以不在线上传：在拍摄现场出示身份证原件，由工作人员核对后现场预约即可，不影响采集。</dd>
      <dt>您的权利</dt>
      <dd>您可以查阅、更正、删除您的个人信息或撤回同意，请联系现场工作人员或<a href="/help">电话客服</a>。</dd>
    </dl>
    <p class="tc-consent__ver">告知书版本：<?cs var:Privacy.Version ?></p>
  </section>
  <label class="tc-agree tc-agree_top" for="consent">
    <input id="consent" type="checkbox" name="consent" value="1" required data-upload-required="请先阅读《身份证照片收集告知书》，勾选同意后再上传">
    <span>我已阅读《身份证照片收集告知书》，单独同意收集、使用我的身份证照片用于现场核对身份</span>
  </label>
  <label class="tc-upload" for="id_image">
    <span class="tc-upload__icon" aria-hidden="true"><svg viewBox="0 0 24 24" width="40" height="40"><path fill="currentColor" d="M2 5h20v14H2V5zm2 2v10h16V7H4zm2 2h5v6H6V9zm7 1h5v1.5h-5V10zm0 3h4v1.5h-4V13z"/></svg></span>
    <span class="tc-upload__text"><?cs if:Idcard.Failed || Idcard.Other ?>重新上传身份证照片<?cs else ?>点击上传身份证照片<?cs /if ?></span>
    <span class="tc-upload__hint">请在光线充足处平拍，四角完整、字迹清晰（JPG/PNG）</span>
    <input id="id_image" name="id_image" type="file" accept="image/*" class="tc-upload__input" required>
  </label>
  <?cs if:Idcard.Other ?>
  <div class="tc-warn">
    <p><strong>身份证与学籍信息不一致</strong></p>
    <p>照片中的身份证号码与您的学籍信息不符。请确认上传的是<strong>本人</strong>身份证（人像面），重新拍摄上传。</p>
    <p>如确为本人身份证，可能是学籍信息中的身份证号有误，请联系学校负责老师更正（<a href="/faq#faq2">常见问题 2</a>），或在拍摄现场找工作人员现场预约。</p>
  </div>
  <?cs elif:Idcard.Failed ?>
  <div class="tc-warn">
    <p><strong>身份证图片识别失败</strong></p>
    <p>请将身份证人像面平放在深色桌面上，光线充足、避免反光，四角完整、号码清晰，重新拍摄上传。</p>
    <?cs if:!Idcard.Manual ?><p>仍无法识别？可以选择“无法识别？继续预约”，输入身份证号后正常完成预约，拍摄当天由工作人员现场核验身份证原件。</p><?cs /if ?>
  </div>
  <?cs /if ?>
  <div class="tc-alert tc-upload-error" data-upload-error role="alert" hidden><i class="weui-icon-warn" aria-hidden="true"></i><span></span></div>
  <div class="tc-progress" data-upload-panel hidden>
    <p class="tc-progress__text"><i class="weui-loading" aria-hidden="true"></i><span data-upload-text role="status" aria-live="polite"></span></p>
    <div class="weui-progress"><div class="weui-progress__bar"><div class="weui-progress__inner-bar" data-upload-bar></div></div></div>
  </div>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="tc-actions">
    <button type="submit" class="weui-btn weui-btn_primary tc-btn">提交</button>
  </div>
  <?cs if:Idcard.CanType && !Idcard.Manual ?>
  <div class="tc-actions"><a class="weui-btn weui-btn_default tc-btn" href="/idcard/manual">无法识别？继续预约</a></div>
  <?cs /if ?>
  <p class="tc-tips">身份证遗失？无需在线预约，请在拍摄现场找工作人员现场预约即可（<a href="/faq#faq5">常见问题 5</a>）。</p>
</form>
<?cs if:Idcard.Manual ?>
<?cs include:"student/idcard_manual_form.cs" ?>
<?cs /if ?>
<script src="/static/js/upload.js"></script>
<?cs include:"footer.cs" ?>
