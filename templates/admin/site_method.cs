<?cs # The walk-in form's fee method and its button (site.cs, site_student.cs). ?>
<select id="st-method" name="method" class="st-input">
  <option value="cash">现金</option>
  <option value="wechat">微信</option>
  <option value="alipay">支付宝</option>
  <option value="card">银行卡</option>
  <option value="unpaid">暂未收费（稍后补收）</option>
</select>
<button type="submit" class="st-btn st-btn--primary">现场预约并签到</button>
