<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="format-detection" content="telephone=no">
<title><?cs var:Page.Title ?> - 沙箱银行</title>
<link rel="stylesheet" href="/static/vendor/weui.min.css">
<link rel="stylesheet" href="/static/css/bank.css">
</head>
<body class="bk-body">
<header class="bk-bar">
  <span class="bk-bar__logo" aria-hidden="true">银</span>
  <span class="bk-bar__name">沙箱银行 · 快捷支付</span>
</header>
<main class="bk-main">
<?cs if:Page.Error ?>
<div class="weui-toptips weui-toptips_warn bk-error" role="alert"><?cs var:Page.Error ?></div>
<?cs /if ?>
