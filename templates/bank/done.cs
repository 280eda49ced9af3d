<?cs include:"bank/header.cs" ?>
<div class="weui-msg">
  <div class="weui-msg__icon-area"><i class="<?cs if:Order.State == "authorized" || Order.State == "captured" ?>weui-icon-success<?cs else ?>weui-icon-info<?cs /if ?> weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h2 class="weui-msg__title"><?cs if:!Order.State ?>订单无效<?cs
      elif:Order.State == "authorized" ?>此订单已冻结成功<?cs
      elif:Order.State == "captured" ?>此订单已完成扣款<?cs
      elif:Order.State == "declined" ?>此订单未能完成支付<?cs
      elif:Order.State == "voided" ?>此订单已关闭<?cs
      elif:Order.Expired == "1" ?>订单已超时<?cs
      else ?>订单无法支付<?cs /if ?></h2>
    <p class="weui-msg__desc"><?cs if:!Order.State ?>支付链接不完整，请返回商户页面重新发起支付。<?cs
      elif:Order.State == "voided" || Order.Expired == "1" ?>请返回商户页面重新发起支付。<?cs
      elif:Order.State == "declined" ?>请返回商户页面，更换银行卡后重新发起支付。<?cs
      else ?>该订单已处理，无需重复支付。<?cs /if ?></p>
  </div>
  <?cs if:Order.Return ?>
  <div class="weui-msg__opr-area"><p class="weui-btn-area">
    <a class="weui-btn weui-btn_primary bk-btn" href="<?cs var:Order.Return ?>">返回商户</a>
  </p></div>
  <?cs /if ?>
</div>
<?cs include:"bank/footer.cs" ?>
