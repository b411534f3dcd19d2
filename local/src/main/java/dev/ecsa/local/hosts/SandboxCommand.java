package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An SSH exec or shell request of a MINA host, run by a real bash in the host's sandbox. Standard input is
 * copied to the process until the client sends EOF, so {@code sudo -n bash -s} reads a script from it.
 */
final class SandboxCommand implements Command {

    private final HostSandbox sandbox;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    SandboxCommand(HostSandbox sandbox, String command) {
        this.sandbox = sandbox;
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        process = sandbox.startProcess(command);
        Thread stdout = pump(process.getInputStream(), out, "stdout");
        Thread stderr = pump(process.getErrorStream(), err, "stderr");
        Thread stdin = new Thread(() -> {
            long moved = 0;
            try (OutputStream toProcess = process.getOutputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    toProcess.write(buf, 0, n);
                    moved += n;
                }
            } catch (IOException e) {
                // The process closed its stdin or the channel went away; said in the bench's own log, since a
                // script cut short this way would otherwise look like one that ran and printed nothing.
                System.err.println("[bench] stdin of '" + command + "' ended after " + moved + " bytes: " + e);
            }
        }, "sandbox-stdin");
        stdin.setDaemon(true);
        stdin.start();
        Thread waiter = new Thread(() -> {
            int code;
            try {
                code = process.waitFor();
                stdout.join();
                stderr.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 255;
            }
            exit.onExit(code);
        }, "sandbox-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private static Thread pump(InputStream from, OutputStream to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // client gone; the process is ended by destroy()
            }
        }, "sandbox-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }
}
