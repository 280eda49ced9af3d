</main>
<footer class="tc-footer">
  <a href="/faq">常见问题</a><span aria-hidden="true">|</span><a href="/help">联系客服</a>
  <p>高校学生图像采集 · 毕业证书电子图像</p>
</footer>
</body>
</html>
