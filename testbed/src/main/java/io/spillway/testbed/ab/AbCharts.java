package io.spillway.testbed.ab;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The report's PNG charts (XChart): a figure against active flows (logarithmic, as the paper's flow counts grow
 * tenfold), one series per offload on/off x DPI on/off, like the paper's Figure 4.
 */
final class AbCharts
{
    static final String HOST_CPU = "host-cpu.png";
    static final String LOSS = "loss.png";
    static final String HOST_SHARE = "packets-to-host.png";

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private AbCharts()
    {
    }

    /** Writes every chart into {@code directory}; returns their file names. */
    static List<String> write(final Path directory, final List<CellResult> results) throws IOException
    {
        // No display on a server, and none is needed to draw into an image.
        System.setProperty("java.awt.headless", "true");
        chart(directory.resolve(HOST_CPU), "Host CPU load (worker threads)", "host CPU, % of a core",
            results, CellResult::hostCpuPercent);
        chart(directory.resolve(LOSS), "Packet loss at the NIC (host ring full)", "loss, % of offered",
            results, CellResult::lossPercent);
        chart(directory.resolve(HOST_SHARE), "Packets that reached the host", "to the host, % of offered",
            results, CellResult::hostPercent);
        return List.of(HOST_CPU, LOSS, HOST_SHARE);
    }

    private static void chart(
        final Path file, final String title, final String yTitle, final List<CellResult> results,
        final ToDoubleFunction<CellResult> figure) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("active flows").yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(flows -> AbCell.flowsLabel(Math.round(flows)));
        for (final boolean offload : new boolean[]{false, true})
        {
            for (final boolean dpi : new boolean[]{false, true})
            {
                final List<Double> flows = new ArrayList<>();
                final List<Double> values = new ArrayList<>();
                String name = null;
                for (final CellResult r : results)
                {
                    if (r.cell().offload() == offload && r.cell().dpi() == dpi)
                    {
                        flows.add((double)r.cell().activeFlows());
                        values.add(figure.applyAsDouble(r));
                        name = r.cell().series();
                    }
                }
                if (name != null)
                {
                    final XYSeries series = chart.addSeries(name, flows, values);
                    series.setMarker(SeriesMarkers.CIRCLE);
                }
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
