package main

import (
	"bytes"
	"context"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/gvc"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// pngRenderer draws Graphviz's layout into a PNG image. It replaces
// go-graphviz's own PNG renderer, which in v0.2.10 draws no line at all (no
// edge, no node border): the bridge from the WebAssembly Graphviz reports
// every shape as filled, so edges are filled as areas and outlines never
// stroked. Here an edge's curves are stroked and its arrowheads filled;
// a node's or cluster's shape is filled when its style says filled and
// stroked unless its pen is none.
type pngRenderer struct {
	*gvc.DefaultRenderEngine
	dc    *gg.Context
	sx    float64 // page scale
	sy    float64
	tx    float64 // translation, in graph units
	ty    float64
	faces map[float64]font.Face // by pixel size
}

// newPNGGraphviz is a Graphviz whose png format is drawn by pngRenderer.
func newPNGGraphviz(ctx context.Context) (*graphviz.Graphviz, error) {
	render, err := gvc.NewRenderPlugin(ctx, "png", &pngRenderer{DefaultRenderEngine: new(gvc.DefaultRenderEngine)},
		gvc.WithRenderFeatures(gvc.RenderYGoesDown, gvc.RenderDoesTransform), gvc.WithRenderColorType(gvc.RGBAByte), gvc.WithRenderPAD(4))
	if err != nil {
		return nil, err
	}
	device, err := gvc.PNGDevicePlugin(ctx)
	if err != nil {
		return nil, err
	}
	return graphviz.NewWithPlugins(ctx, render, device)
}

func (r *pngRenderer) BeginPage(_ context.Context, job *gvc.Job) error {
	r.dc = gg.NewContext(int(job.Width()), int(job.Height()))
	r.dc.SetColor(color.White)
	r.dc.Clear()
	r.sx, r.sy = job.Scale().X(), job.Scale().Y()
	r.tx, r.ty = job.Translation().X(), job.Translation().Y()
	return nil
}

func (r *pngRenderer) EndPage(_ context.Context, job *gvc.Job) error {
	var buf bytes.Buffer
	if err := r.dc.EncodePNG(&buf); err != nil {
		return err
	}
	job.SetOutputData(buf.Bytes())
	job.SetOutputDataPosition(uint(buf.Len()))
	return nil
}

// at is a point of the layout on the page (Graphviz's y goes up).
func (r *pngRenderer) at(p *gvc.PointFloat) (float64, float64) {
	return r.sx * (p.X() + r.tx), -r.sy * (p.Y() + r.ty)
}

func setColour(dc *gg.Context, c *gvc.Color) {
	rgba := c.RGBAUint()
	dc.SetRGBA255(int(rgba[0]), int(rgba[1]), int(rgba[2]), int(rgba[3]))
}

// paint fills the current path when fill says so, then strokes it with the
// object's pen.
func (r *pngRenderer) paint(job *gvc.Job, fill bool) {
	o := job.Object()
	if fill {
		setColour(r.dc, o.FillColor())
		r.dc.FillPreserve()
	}
	if o.Pen() == gvc.PenNone {
		r.dc.ClearPath()
		return
	}
	setColour(r.dc, o.PenColor())
	r.dc.SetLineWidth(math.Max(1, o.PenWidth()*r.sx))
	switch o.Pen() {
	case gvc.PenDashed:
		r.dc.SetDash(5*r.sx, 2*r.sx)
	case gvc.PenDotted:
		r.dc.SetDash(1*r.sx, 3*r.sx)
	default:
		r.dc.SetDash()
	}
	r.dc.Stroke()
}

// filled says whether a closed shape is filled: an edge's (its arrowheads)
// always, a node's or cluster's when its style says so.
func filled(job *gvc.Job) bool {
	o := job.Object()
	return o.Type() == gvc.EdgeObjectType || o.Fill() != gvc.FillNone
}

func (r *pngRenderer) Ellipse(_ context.Context, job *gvc.Job, p []*gvc.PointFloat, _ bool) error {
	cx, cy := r.at(p[0])
	r.dc.DrawEllipse(cx, cy, r.sx*(p[1].X()-p[0].X()), r.sy*(p[1].Y()-p[0].Y()))
	r.paint(job, filled(job))
	return nil
}

func (r *pngRenderer) Polygon(_ context.Context, job *gvc.Job, p []*gvc.PointFloat, _ bool) error {
	for _, pt := range p {
		r.dc.LineTo(r.at(pt))
	}
	r.dc.ClosePath()
	r.paint(job, filled(job))
	return nil
}

func (r *pngRenderer) BezierCurve(_ context.Context, job *gvc.Job, p []*gvc.PointFloat, _ bool) error {
	r.dc.MoveTo(r.at(p[0]))
	for i := 1; i+2 < len(p); i += 3 {
		x1, y1 := r.at(p[i])
		x2, y2 := r.at(p[i+1])
		x3, y3 := r.at(p[i+2])
		r.dc.CubicTo(x1, y1, x2, y2, x3, y3)
	}
	// an edge's curve is a line; a node's (a rounded box) an area
	r.paint(job, job.Object().Type() != gvc.EdgeObjectType && job.Object().Fill() != gvc.FillNone)
	return nil
}

func (r *pngRenderer) Polyline(_ context.Context, job *gvc.Job, p []*gvc.PointFloat) error {
	for _, pt := range p {
		r.dc.LineTo(r.at(pt))
	}
	r.paint(job, false)
	return nil
}

func (r *pngRenderer) TextSpan(_ context.Context, job *gvc.Job, p *gvc.PointFloat, span *gvc.TextSpan) error {
	face, err := r.face(span.Font().Size() * r.sy)
	if err != nil {
		return err
	}
	r.dc.SetFontFace(face)
	setColour(r.dc, job.Object().PenColor())
	x, y := r.at(p)
	// Just is where p is on the line: 'l' its start, 'r' its end, else
	// its middle.
	anchor := 0.5
	switch span.Just() {
	case 'l':
		anchor = 0
	case 'r':
		anchor = 1
	}
	r.dc.DrawStringAnchored(span.Text(), x, y, anchor, 0)
	return nil
}

// face is Go Regular at size pixels: the same glyphs on every machine, no
// font lookup.
func (r *pngRenderer) face(size float64) (font.Face, error) {
	if f, ok := r.faces[size]; ok {
		return f, nil
	}
	ft, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	f, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	if r.faces == nil {
		r.faces = map[float64]font.Face{}
	}
	r.faces[size] = f
	return f, nil
}
