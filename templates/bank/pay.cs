<?cs include:"bank/header.cs" ?>
<section class="bk-order">
  <p class="bk-order__merchant">商户：高校学生图像采集</p>
  <?cs if:Order.Desc ?><p class="bk-order__desc"><?cs var:Order.Desc ?></p><?cs /if ?>
  <p class="bk-order__amount"><span class="bk-order__cny">¥</span><?cs var:Order.Yuan ?></p>
  <p class="bk-order__kind">预授权（冻结）</p>
  <p class="bk-order__ref">订单号 <span data-ref="<?cs var:Order.Ref ?>"><?cs var:Order.Ref ?></span></p>
</section>

<div class="weui-cells__tips bk-note">
  本次支付为预支付，即时冻结卡内余额，在采集完成后完成扣款；未采集的订单在采集结束后解冻，资金约 3 个工作日内退回。
</div>

<form method="post" action="/bank/pay?t=<?cs var:Order.Token ?>" class="bk-form" autocomplete="off">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <div class="weui-cells__title">绑定银行卡</div>
  <div class="weui-cells weui-cells_form">
    <label class="weui-cell weui-cell_active" for="card_no">
      <div class="weui-cell__hd"><span class="weui-label">银行卡号</span></div>
      <div class="weui-cell__bd">
        <input class="weui-input" id="card_no" name="card_no" type="text"
          inputmode="numeric" autocomplete="cc-number" maxlength="23"
          pattern="[0-9 ]{16,23}" placeholder="请输入本人借记卡卡号" required>
      </div>
    </label>
  </div>
  <div class="weui-btn-area">
    <button type="submit" class="weui-btn weui-btn_primary">确认冻结 ¥<?cs var:Order.Yuan ?></button>
  </div>
</form>

<aside class="bk-test" aria-label="沙箱测试卡">
  <p class="bk-test__title">沙箱测试卡</p>
  <ul class="bk-test__list">
    <?cs each:c = Cards ?>
    <li><code><?cs var:c.No ?></code>
      <span><?cs if:c.Result == "authorized" ?>冻结成功<?cs elif:c.Result == "insufficient_funds" ?>余额不足<?cs else ?>银行卡绑定失败<?cs /if ?></span></li>
    <?cs /each ?>
    <li><span>其他卡号：银行卡绑定失败</span></li>
  </ul>
</aside>
<?cs include:"bank/footer.cs" ?>
