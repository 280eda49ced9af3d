<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="format-detection" content="telephone=no">
<title><?cs var:Page.Title ?> - 微信沙箱</title>
<link rel="stylesheet" href="/static/vendor/weui.min.css">
<link rel="stylesheet" href="/static/css/weixin.css">
</head>
<body class="wx-body" data-weui-theme="light">
<header class="wx-bar">微信授权（沙箱）</header>
<main class="wx-main">