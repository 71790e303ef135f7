-- End-to-end test with a real editor: headless Neovim opens a leaky file through
-- editors/neovim/leaklint.lua, sees the diagnostic at the right place, fixes the code in the
-- buffer and sees the diagnostic cleared. Driven by tests/lsp_nvim.rs; exits 0 on success.
--
-- Environment: LEAKLINT_BIN (the binary), LEAKLINT_FILE (the leaky file), LEAKLINT_EDITORS
-- (editors/neovim), EXPECT_LNUM/EXPECT_COL (0-based line, byte column of the finding).

local function out(line)
  io.stdout:write(line .. '\n')
end

local function fail(msg)
  out('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local ok, err = pcall(function()
  package.path = os.getenv('LEAKLINT_EDITORS') .. '/?.lua;' .. package.path
  local leaklint = require('leaklint')

  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEAKLINT_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = leaklint.start(buf, { cmd = os.getenv('LEAKLINT_BIN'), debounce = 0 })
  if not client_id then
    return fail('the client did not start')
  end

  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  if not got then
    return fail('no diagnostic after opening the file')
  end
  local d = vim.diagnostic.get(buf)[1]
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out(string.format('open %d:%d-%d:%d [%s] %s', d.lnum, d.col, d.end_lnum, d.end_col,
    tostring(code), d.source or ''))
  local want_lnum, want_col = tonumber(os.getenv('EXPECT_LNUM')), tonumber(os.getenv('EXPECT_COL'))
  if d.lnum ~= want_lnum or d.col ~= want_col then
    return fail(string.format('expected %d:%d', want_lnum, want_col))
  end

  -- Fix it in the buffer: `bus.on(` becomes `bus.once(` (didChange, incremental).
  vim.api.nvim_buf_set_text(buf, d.lnum, d.col, d.end_lnum, d.end_col, { 'bus.once' })
  local cleared = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) == 0
  end, 50)
  out(string.format('change: cleared=%s count=%d', tostring(cleared), #vim.diagnostic.get(buf)))
  if not cleared then
    return fail('the diagnostic was not cleared after the fix')
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
  out('ok')
  vim.cmd('qall!')
end)
if not ok then
  fail(tostring(err))
end
