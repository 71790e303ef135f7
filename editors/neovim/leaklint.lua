-- leaklint for Neovim: runs `leaklint server` for JavaScript and TypeScript buffers.
--
-- Works on Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start). Put this file on your
-- 'runtimepath' as lua/leaklint.lua, then:
--
--   require('leaklint').setup({
--     cmd = 'leaklint',                       -- the binary (default: leaklint on PATH)
--     settings = { minConfidence = 'medium',  -- editor settings, sent as initializationOptions
--                  rules = { ['no-leaked-timer'] = 'warn' } },
--   })
--
-- The end-to-end test (tests/nvim/e2e.lua) drives this very file.

local M = {}

-- Components (.vue, .svelte, .astro): leaklint lints their script blocks.
M.filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'vue', 'svelte', 'astro' }
M.root_markers = { 'leaklint.toml', '.leaklint.toml', 'package.json', '.git' }

--- The client configuration for `vim.lsp.start`/`vim.lsp.start_client`.
function M.config(opts)
  opts = opts or {}
  local settings = opts.settings or vim.empty_dict()
  return {
    name = 'leaklint',
    cmd = { opts.cmd or 'leaklint', 'server' },
    init_options = settings,
    settings = { leaklint = settings },
    flags = { debounce_text_changes = opts.debounce or 150 },
  }
end

--- The nearest directory above the buffer's file that holds one of M.root_markers (walked by
--- hand: vim.fs arrived in 0.8), else the file's directory.
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(name, ':p:h')
  local here = dir
  while here and here ~= '' do
    for _, marker in ipairs(M.root_markers) do
      if vim.loop.fs_stat(here .. '/' .. marker) then
        return here
      end
    end
    local parent = vim.fn.fnamemodify(here, ':h')
    if parent == here then
      break
    end
    here = parent
  end
  return dir
end

local clients = {}

--- Starts (or reuses) the server for the buffer's root and attaches the buffer. Returns the
--- client id.
function M.start(bufnr, opts)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local config = M.config(opts)
  config.root_dir = M.root_dir(bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: one client per root, attached to each buffer by hand.
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Starts leaklint for every JavaScript/TypeScript buffer from now on.
function M.setup(opts)
  vim.api.nvim_create_autocmd('FileType', {
    pattern = M.filetypes,
    callback = function(args)
      M.start(args.buf, opts)
    end,
  })
end

return M
