<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="format-detection" content="telephone=no">
<title><?cs if:Page.Title ?><?cs var:Page.Title ?> - <?cs /if ?>高校学生图像采集</title>
<link rel="stylesheet" href="/static/vendor/weui.min.css">
<link rel="stylesheet" href="/static/css/tucai.css">
</head>
<body class="tc-body">
<div class="tc-bar">
  <?cs if:Page.Back ?><a class="tc-bar__back" href="<?cs var:Page.Back ?>" aria-label="返回">&#8249;</a><?cs /if ?>
  <span class="tc-bar__title"><?cs if:Page.Title ?><?cs var:Page.Title ?><?cs else ?>高校学生图像采集<?cs /if ?></span>
</div>
<main class="tc-main">
<?cs if:Page.Error ?>
<div class="weui-toptips weui-toptips_warn tc-error" role="alert"><?cs var:Page.Error ?></div>
<?cs /if ?>
