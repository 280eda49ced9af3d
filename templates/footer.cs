</main>
<footer class="tc-footer">
  <a href="/faq">常见问题</a> · <a href="/help">联系客服</a>
</footer>
</body>
</html>
