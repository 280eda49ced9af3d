<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="format-detection" content="telephone=no"><?cs if:Page.Refresh ?>
<meta http-equiv="refresh" content="<?cs var:Page.Refresh ?>"><?cs /if ?>
<title><?cs if:Page.Title ?><?cs var:Page.Title ?> - <?cs /if ?>高校学生图像采集</title>
<link rel="stylesheet" href="/static/vendor/weui.min.css">
<link rel="stylesheet" href="/static/css/tucai.css">
</head>
<body class="tc-body" data-weui-theme="light">
<?cs def:state_name(s) ?><?cs if:s == "held" ?>待支付<?cs elif:s == "booked" ?>预约成功<?cs elif:s == "checked_in" ?>已签到<?cs elif:s == "collected" ?>已采集<?cs elif:s == "cancelled" ?>已取消<?cs elif:s == "expired" ?>已过期<?cs else ?><?cs var:s ?><?cs /if ?><?cs /def ?>
<?cs def:weekday(n) ?><?cs var:Lang.Student.Weekday[n] ?><?cs /def ?><?cs def:teacher() ?><?cs if:Task.contact_name || Task.contact_phone ?>学校负责老师：<?cs var:Task.contact_name ?><?cs if:Task.contact_phone ?>（<a href="tel:<?cs var:Task.contact_phone ?>"><?cs var:Task.contact_phone ?></a>）<?cs /if ?><?cs else ?>学校负责老师<?cs /if ?><?cs /def ?>
<?cs def:steps(n) ?><ol class="tc-steps" aria-label="预约步骤">
  <li class="<?cs if:n > 1 ?>is-done<?cs elif:n == 1 ?>is-now<?cs /if ?>"><span>1</span>任务代码</li>
  <li class="<?cs if:n > 2 ?>is-done<?cs elif:n == 2 ?>is-now<?cs /if ?>"><span>2</span>上传采集码</li>
  <li class="<?cs if:n > 3 ?>is-done<?cs elif:n == 3 ?>is-now<?cs /if ?>"><span>3</span>信息核对</li>
  <li class="<?cs if:n > 4 ?>is-done<?cs elif:n == 4 ?>is-now<?cs /if ?>"><span>4</span>选择时间</li>
  <li class="<?cs if:n > 5 ?>is-done<?cs elif:n == 5 ?>is-now<?cs /if ?>"><span>5</span>预支付</li>
</ol><?cs /def ?>
<header class="tc-bar">
  <?cs if:Page.Back ?><a class="tc-bar__back" href="<?cs var:Page.Back ?>" aria-label="返回">&#8249;</a><?cs /if ?>
  <span class="tc-bar__title"><?cs if:Page.Title ?><?cs var:Page.Title ?><?cs else ?>高校学生图像采集<?cs /if ?></span>
</header>
<main class="tc-main">
<?cs if:Page.Error ?>
<div class="tc-alert" role="alert"><i class="weui-icon-warn" aria-hidden="true"></i><span><?cs var:Page.Error ?></span></div>
<?cs /if ?><?cs if:Weixin.Notice ?><div class="tc-alert tc-alert_wx" role="status"><i class="weui-icon-info" aria-hidden="true"></i><span><?cs if:Weixin.Notice == "refused" ?>您未完成微信授权。<?cs elif:Weixin.Notice == "network" ?>暂时无法连接微信，微信登录未完成。<?cs elif:Weixin.Notice == "snapshot" ?>当前是朋友圈的快照页，无法确认您的微信身份：请点击页面下方的“使用完整服务”后再试。<?cs else ?>微信授权已失效（页面停留过久，或已使用过）。<?cs /if ?>您可以继续使用任务代码和采集码预约，或<a href="/weixin/login?next=0">重新微信登录</a>。</span></div>
<?cs /if ?>
